"""Lesson 09's checks: the reference solutions pass (with and without hidden cases), every
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
from nnlib.checks.lesson09 import HINTS, check_bias_correct, check_momentum_step

NOTEBOOK = "09_optimizers_and_hyperparameters.ipynb"
NAMESPACE = {"np": np, "nnlib": nnlib}
EXERCISES = {
    "lesson09-momentum-step": ("momentum_step", check_momentum_step),
    "lesson09-bias-correct": ("bias_correct", check_bias_correct),
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
    assert surviving(solution_source(NOTEBOOK, grade_id), name, NAMESPACE, check) == []


@pytest.mark.parametrize("grade_id", EXERCISES)
def test_hard_coding_the_visible_answers_fails_the_hidden_cases(grade_id, capsys):
    name, check = EXERCISES[grade_id]
    replay = memorizing(check, reference(grade_id))
    check(replay)
    with pytest.raises(CheckFailed, match="hidden"):
        check(replay, seed=5)


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


# ----------------------------------------------------------------------------- momentum_step


def test_momentum_updating_its_inputs_in_place_passes(capsys):
    def in_place(w, grad, velocity, lr, mu):
        velocity *= mu
        velocity -= lr * grad
        w += velocity
        return w, velocity

    check_momentum_step(in_place, seed=3)


def test_the_pytorch_velocity_convention_is_named():
    def pytorch_style(w, grad, velocity, lr, mu):
        velocity = mu * velocity + grad
        return w - lr * velocity, velocity

    with pytest.raises(CheckFailed, match=r"first step .*value 1: "):
        check_momentum_step(pytorch_style)


def test_a_velocity_that_does_not_decay_is_named():
    def no_decay(w, grad, velocity, lr, mu):
        velocity = velocity - lr * grad
        return w + velocity, velocity

    with pytest.raises(CheckFailed, match="a velocity carried over"):
        check_momentum_step(no_decay)


def test_returning_the_weights_alone_is_named():
    def weights_only(w, grad, velocity, lr, mu):
        return w + mu * velocity - lr * grad

    with pytest.raises(CheckFailed, match=r"2 values \(a tuple\), got array of shape \(4,\)"):
        check_momentum_step(weights_only)


# ----------------------------------------------------------------------------- bias_correct


def test_a_correction_with_t_counted_from_zero_is_named():
    def from_zero(v, s, t, rho1, rho2):
        return v / (1 - rho1 ** (t - 1)), s / (1 - rho2 ** (t - 1))

    with pytest.raises(CheckFailed, match="t = 1 .*your function raised"):
        check_bias_correct(from_zero)


def test_the_same_rho_for_both_averages_is_named():
    def one_rho(v, s, t, rho1, rho2):
        return v / (1 - rho1**t), s / (1 - rho1**t)

    with pytest.raises(CheckFailed, match="value 1: "):
        check_bias_correct(one_rho)


def test_multiplying_instead_of_dividing_is_named():
    with pytest.raises(CheckFailed, match="t = 1 "):
        check_bias_correct(lambda v, s, t, r1, r2: (v * (1 - r1**t), s * (1 - r2**t)))


def test_the_checks_report_a_missing_return_and_a_non_function():
    for check in (check_momentum_step, check_bias_correct):
        with pytest.raises(CheckFailed, match="forget to `return`"):
            check(lambda *a: None)
        with pytest.raises(CheckFailed, match="expected a function"):
            check(np.zeros(3))
