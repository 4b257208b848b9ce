"""Lesson 08 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import numpy as np
import pytest
from exercise_runs import solution

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson08 import check_dropout_forward, check_l2_penalty

# ----------------------------------------------------------------------------- l2_penalty


def test_a_penalty_that_counts_the_biases_is_named():
    def biases_too(parameters, lam):
        return lam / 2 * sum(np.sum(value**2) for value in parameters.values())

    with pytest.raises(CheckFailed, match="biases are not penalized"):
        check_l2_penalty(biases_too)


def test_a_penalty_of_the_first_layer_only_is_named():
    with pytest.raises(CheckFailed, match="every layer counts"):
        check_l2_penalty(lambda parameters, lam: lam / 2 * np.sum(parameters["W1"] ** 2))


def test_an_array_instead_of_a_number_is_named():
    def per_layer(parameters, lam):
        return np.array([lam / 2 * np.sum(W**2) for key, W in parameters.items()
                         if key.startswith("W")])

    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(1,\)"):
        check_l2_penalty(per_layer)


# ----------------------------------------------------------------------------- dropout_forward


def test_another_correct_mask_convention_passes(capsys):
    def other_convention(A, rate, rng):
        keep = rng.random(A.shape, dtype=np.float32) < 1 - rate
        return A * keep.astype(np.float32) / np.float32(1 - rate)

    check_dropout_forward(other_convention, seed=4)


def test_dropout_without_the_rescaling_is_named():
    with pytest.raises(CheckFailed, match=r"1 / \(1 - 0.2\) = 1.25.*expected 1.25, got 1"):
        check_dropout_forward(lambda A, rate, rng: A * (rng.random(A.shape) >= rate))


def test_a_mask_that_keeps_with_probability_rate_is_named():
    def swapped(A, rate, rng):
        return A * (rng.random(A.shape) < rate) / (1 - rate)

    with pytest.raises(CheckFailed, match=r"rate 0 \(nothing dropped\)"):
        check_dropout_forward(swapped)


def test_dropout_that_ignores_the_rng_is_named():
    def global_random(A, rate, rng):
        return A * (np.random.default_rng().random(A.shape) >= rate) / (1 - rate)

    with pytest.raises(CheckFailed, match="draw the mask with the rng you are given"):
        check_dropout_forward(global_random)


def test_dropout_that_changes_A_in_place_is_named():
    def in_place(A, rate, rng):
        A *= (rng.random(A.shape) >= rate) / (1 - rate)
        return A

    with pytest.raises(CheckFailed, match="leave A unchanged"):
        check_dropout_forward(in_place)


def test_one_mask_shared_by_every_example_is_named():
    def per_column(A, rate, rng):
        return A * (rng.random(A.shape[1]) >= rate) / (1 - rate)

    with pytest.raises(CheckFailed, match="not one per column"):
        check_dropout_forward(per_column)


def test_a_result_of_the_wrong_shape_is_named():
    dropout_forward = solution("lesson08-dropout-forward")
    with pytest.raises(CheckFailed, match=r"shape \(20,\).*instead of an array of shape \(4, 5\)"):
        check_dropout_forward(lambda A, rate, rng: dropout_forward(A, rate, rng).ravel())
