"""Lesson 09's checks: they pass the lesson's own solutions (with and without hidden cases),
and named mistakes get a message that says what to look at. (Mutants and leaks: see
test_exercise_mutants.py and test_hints_do_not_leak.py; answers hard-coded for the visible
cases: test_checks.py.)"""

import numpy as np
import pytest
from exercise_runs import solution

from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import first_hint
from nnlib.checks.lesson09 import check_bias_correct, check_momentum_step

EXERCISES = {
    "lesson09-momentum-step": ("momentum_step", check_momentum_step),
    "lesson09-bias-correct": ("bias_correct", check_bias_correct),
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
