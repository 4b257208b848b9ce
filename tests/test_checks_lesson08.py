"""Lesson 08's checks: they pass the lesson's own solutions (with and without hidden cases),
and named mistakes get a message that says what to look at. (Mutants and leaks: see
test_exercise_mutants.py and test_hints_do_not_leak.py; answers hard-coded for the visible
cases: test_checks.py.)"""

import numpy as np
import pytest
from exercise_runs import solution

from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import first_hint
from nnlib.checks.lesson08 import check_dropout_forward, check_l2_penalty

EXERCISES = {
    "lesson08-l2-penalty": ("l2_penalty", check_l2_penalty),
    "lesson08-dropout-forward": ("dropout_forward", check_dropout_forward),
}


def reference(grade_id):
    return solution(grade_id)


def not_implemented(*args):
    raise NotImplementedError("Hint: ...")


@pytest.mark.parametrize("grade_id", EXERCISES)
@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_the_reference_solution_passes(grade_id, seed, capsys):
    name, check = EXERCISES[grade_id]
    check(reference(grade_id), seed=seed)
    assert f"✔ {name}: all" in capsys.readouterr().out


@pytest.mark.parametrize("grade_id", EXERCISES)
def test_hidden_cases_add_to_the_visible_ones(grade_id, capsys):
    _, check = EXERCISES[grade_id]
    counts = []
    for seed in (None, 1):
        check(reference(grade_id), seed=seed)
        counts.append(int(capsys.readouterr().out.split("all ")[1].split()[0]))
    assert counts[1] > counts[0]


@pytest.mark.parametrize("grade_id", EXERCISES)
def test_an_unfinished_exercise_fails_with_its_first_hint(grade_id):
    _, check = EXERCISES[grade_id]
    with pytest.raises(CheckFailed, match="not implemented yet") as failure:
        check(not_implemented)
    assert first_hint(grade_id) in str(failure.value)


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
    dropout_forward = reference("lesson08-dropout-forward")
    with pytest.raises(CheckFailed, match=r"shape \(20,\).*instead of an array of shape \(4, 5\)"):
        check_dropout_forward(lambda A, rate, rng: dropout_forward(A, rate, rng).ravel())


def test_the_checks_report_a_missing_return_and_a_non_function():
    for check in (check_l2_penalty, check_dropout_forward):
        with pytest.raises(CheckFailed, match="forget to `return`"):
            check(lambda *a: None)
        with pytest.raises(CheckFailed, match="expected a function"):
            check(np.zeros(3))
