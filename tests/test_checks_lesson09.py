"""Lesson 09 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson09 import check_bias_correct, check_momentum_step

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
