"""Lesson 08 exercise checks: pass a correct answer, fail every kind of wrong one clearly."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson08 import check_dropout_forward, check_l2_penalty


def l2_penalty(parameters, lam):
    return lam / 2 * sum(np.sum(W**2) for key, W in parameters.items() if key.startswith("W"))


def dropout_forward(A, rate, rng):
    keep = rng.random(A.shape) >= rate
    return A * keep / (1 - rate)


# ----------------------------------------------------------------------------- l2_penalty


def test_l2_penalty_check_fails_a_penalty_that_counts_the_biases():
    def with_biases(parameters, lam):
        return lam / 2 * sum(np.sum(value**2) for value in parameters.values())

    with pytest.raises(CheckFailed, match="biases are not penalized"):
        check_l2_penalty(with_biases)


def test_l2_penalty_check_fails_a_penalty_without_the_half():
    with pytest.raises(CheckFailed, match=r"one layer W1 \(3, 2\).*expected"):
        check_l2_penalty(lambda parameters, lam: 2 * l2_penalty(parameters, lam))


def test_l2_penalty_check_fails_a_penalty_of_the_first_layer_only():
    with pytest.raises(CheckFailed, match="every layer counts"):
        check_l2_penalty(lambda parameters, lam: lam / 2 * np.sum(parameters["W1"] ** 2))


def test_l2_penalty_check_fails_an_array_instead_of_a_number():
    def per_layer(parameters, lam):
        return np.array([lam / 2 * np.sum(W**2) for key, W in parameters.items()
                         if key.startswith("W")])

    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(1,\)"):
        check_l2_penalty(per_layer)


# ----------------------------------------------------------------------------- dropout_forward


def test_dropout_forward_check_passes_a_float32_mask_that_keeps_values_below_one_minus_rate():
    def other_convention(A, rate, rng):
        keep = rng.random(A.shape, dtype=np.float32) < 1 - rate
        return A * keep.astype(np.float32) / np.float32(1 - rate)

    check_dropout_forward(other_convention)


def test_dropout_forward_check_fails_dropout_without_the_rescaling():
    with pytest.raises(CheckFailed, match=r"1 / \(1 - 0.2\) = 1.25.*expected 1.25, got 1"):
        check_dropout_forward(lambda A, rate, rng: A * (rng.random(A.shape) >= rate))


def test_dropout_forward_check_fails_a_mask_that_keeps_with_probability_rate():
    def swapped(A, rate, rng):
        return A * (rng.random(A.shape) < rate) / (1 - rate)

    with pytest.raises(CheckFailed, match=r"rate 0 \(nothing dropped\).*got 0\."):
        check_dropout_forward(swapped)


def test_dropout_forward_check_fails_a_function_that_ignores_the_rng():
    def global_random(A, rate, rng):
        return A * (np.random.default_rng().random(A.shape) >= rate) / (1 - rate)

    with pytest.raises(CheckFailed, match="draw the mask with the rng you are given"):
        check_dropout_forward(global_random)


def test_dropout_forward_check_fails_a_function_that_changes_A_in_place():
    def in_place(A, rate, rng):
        A *= (rng.random(A.shape) >= rate) / (1 - rate)
        return A

    with pytest.raises(CheckFailed, match="leave A unchanged"):
        check_dropout_forward(in_place)


def test_dropout_forward_check_fails_one_mask_shared_by_every_example():
    def per_column(A, rate, rng):
        return A * (rng.random(A.shape[1]) >= rate) / (1 - rate)

    with pytest.raises(CheckFailed, match="not one per column"):
        check_dropout_forward(per_column)


def test_dropout_forward_check_fails_a_rate_of_zero_that_changes_A():
    with pytest.raises(CheckFailed, match="rate 0 .*nothing dropped"):
        check_dropout_forward(lambda A, rate, rng: dropout_forward(A, rate, rng) * 2)


def test_dropout_forward_check_fails_a_result_of_the_wrong_shape():
    with pytest.raises(CheckFailed, match=r"shape \(20,\).*instead of an array of shape \(4, 5\)"):
        check_dropout_forward(lambda A, rate, rng: dropout_forward(A, rate, rng).ravel())


def test_dropout_forward_check_fails_the_mask_instead_of_the_dropped_out_activations():
    def mask_only(A, rate, rng):
        return (rng.random(A.shape) >= rate) / (1 - rate)

    with pytest.raises(CheckFailed, match="rate 0 .*expected"):
        check_dropout_forward(mask_only)


def test_dropout_forward_check_rejects_something_that_is_not_a_function():
    with pytest.raises(CheckFailed, match="expected a function"):
        check_dropout_forward(np.zeros((4, 5)))
