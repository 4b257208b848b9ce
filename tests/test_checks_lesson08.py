"""Lesson 08's checks: the reference solutions pass (with and without hidden cases), every
one-token mutant of them fails, named mistakes get a message that says what to look at, and no
hint gives away a line of a solution."""

import numpy as np
import pytest
from exercise_tools import (
    function_from,
    leaks,
    markdown_before,
    memorizing,
    solution_expressions,
    solution_source,
    surviving,
)

import nnlib
from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import first_hint
from nnlib.checks.lesson08 import HINTS, check_dropout_forward, check_l2_penalty

NOTEBOOK = "08_regularization_and_monitoring.ipynb"
NAMESPACE = {"np": np, "nnlib": nnlib}
EXERCISES = {
    "lesson08-l2-penalty": ("l2_penalty", check_l2_penalty),
    "lesson08-dropout-forward": ("dropout_forward", check_dropout_forward),
}
# Mutants that compute the same thing on every valid input, each with the reason.
EQUIVALENT = {
    # rng.random(...) > rate instead of >= rate: the draw equals the rate exactly with
    # probability 0 (and with rate 0, only for a draw of exactly 0.0, about 1 in 2**53).
    "lesson08-dropout-forward": ("GtE -> Gt",),
}


def reference(grade_id):
    name, _ = EXERCISES[grade_id]
    return function_from(solution_source(NOTEBOOK, grade_id), name, NAMESPACE)


def not_implemented(*args):
    raise NotImplementedError("Hint: ...")


@pytest.mark.parametrize("grade_id", EXERCISES)
@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_the_reference_solution_passes(grade_id, seed, capsys):
    _, check = EXERCISES[grade_id]
    check(reference(grade_id), seed=seed)
    assert "✔" in capsys.readouterr().out


@pytest.mark.parametrize("grade_id", EXERCISES)
def test_every_one_token_mutant_fails(grade_id, capsys):
    name, check = EXERCISES[grade_id]
    source = solution_source(NOTEBOOK, grade_id)
    assert surviving(source, name, NAMESPACE, check, EQUIVALENT.get(grade_id, ())) == []


def test_hard_coding_the_visible_answers_fails_the_hidden_cases(capsys):
    replay = memorizing(check_l2_penalty, reference("lesson08-l2-penalty"))
    check_l2_penalty(replay)
    with pytest.raises(CheckFailed, match="hidden"):
        check_l2_penalty(replay, seed=5)


@pytest.mark.parametrize("grade_id", EXERCISES)
def test_no_hint_or_markdown_or_failure_message_holds_a_line_of_the_solution(grade_id):
    _, check = EXERCISES[grade_id]
    expressions = solution_expressions(solution_source(NOTEBOOK, grade_id))
    assert expressions
    assert leaks(" ".join(HINTS[grade_id]), expressions) == []
    assert leaks(markdown_before(NOTEBOOK, grade_id), expressions) == []
    with pytest.raises(CheckFailed) as failure:
        check(not_implemented)
    assert leaks(str(failure.value), expressions) == []
    assert first_hint(grade_id) in str(failure.value)


def l2_penalty(parameters, lam):
    return lam / 2 * sum(np.sum(W**2) for key, W in parameters.items() if key.startswith("W"))


def dropout_forward(A, rate, rng):
    keep = rng.random(A.shape) >= rate
    return A * keep / (1 - rate)


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
    with pytest.raises(CheckFailed, match=r"shape \(20,\).*instead of an array of shape \(4, 5\)"):
        check_dropout_forward(lambda A, rate, rng: dropout_forward(A, rate, rng).ravel())


def test_the_checks_report_a_missing_return_and_a_non_function():
    for check in (check_l2_penalty, check_dropout_forward):
        with pytest.raises(CheckFailed, match="forget to `return`"):
            check(lambda *a: None)
        with pytest.raises(CheckFailed, match="expected a function"):
            check(np.zeros(3))
