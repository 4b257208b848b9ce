"""Lesson 09 exercise checks: pass a correct momentum_step / count_parameters, fail every kind
of wrong one with a clear message."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson09 import check_count_parameters, check_momentum_step


def correct_momentum_step(w, grad, velocity, lr, beta):
    velocity = beta * velocity - lr * grad
    return w + velocity, velocity


def correct_count_parameters(layer_sizes):
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


# ---------------------------------------------------------------- momentum_step


def test_momentum_check_passes_a_function_that_updates_its_inputs_in_place(capsys):
    def in_place(w, grad, velocity, lr, beta):
        velocity *= beta
        velocity -= lr * grad
        w += velocity
        return w, velocity

    check_momentum_step(in_place)
    assert "passed" in capsys.readouterr().out


def test_momentum_check_fails_the_pytorch_velocity_convention():
    def pytorch_style(w, grad, velocity, lr, beta):
        velocity = beta * velocity + grad
        return w - lr * velocity, velocity

    with pytest.raises(CheckFailed, match=r"first step .*value 1: .*Hint: first the velocity"):
        check_momentum_step(pytorch_style)


def test_momentum_check_fails_a_step_that_uses_the_old_velocity():
    def old_velocity(w, grad, velocity, lr, beta):
        return w + velocity, beta * velocity - lr * grad

    with pytest.raises(CheckFailed, match=r"first step .*value 0"):
        check_momentum_step(old_velocity)


def test_momentum_check_fails_a_velocity_that_does_not_decay():
    def no_decay(w, grad, velocity, lr, beta):
        velocity = velocity - lr * grad
        return w + velocity, velocity

    with pytest.raises(CheckFailed, match="a velocity carried over"):
        check_momentum_step(no_decay)


def test_momentum_check_fails_when_the_velocity_is_not_returned():
    def weights_only(w, grad, velocity, lr, beta):
        return correct_momentum_step(w, grad, velocity, lr, beta)[0]

    with pytest.raises(CheckFailed, match=r"2 values \(a tuple\), got array of shape \(4,\)"):
        check_momentum_step(weights_only)


def test_momentum_check_reports_the_wrong_shape():
    def flattened(w, grad, velocity, lr, beta):
        w_new, v_new = correct_momentum_step(w, grad, velocity, lr, beta)
        return w_new.reshape(-1, 1), v_new

    with pytest.raises(CheckFailed, match=r"expected shape \(4,\), got shape \(4, 1\)"):
        check_momentum_step(flattened)


def test_momentum_check_reports_something_that_is_not_a_function():
    with pytest.raises(CheckFailed, match="momentum_step: expected a function"):
        check_momentum_step(np.zeros(3))


# ---------------------------------------------------------------- count_parameters


def test_count_parameters_check_fails_when_the_biases_are_forgotten():
    def weights_only(layer_sizes):
        return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))

    with pytest.raises(CheckFailed, match=r"layer_sizes = \[2, 3, 1\].*expected 13, got 9"):
        check_count_parameters(weights_only)


def test_count_parameters_check_fails_a_bias_on_the_input_layer():
    def input_bias(layer_sizes):
        return correct_count_parameters(layer_sizes) + layer_sizes[0]

    with pytest.raises(CheckFailed, match="expected 13, got 15"):
        check_count_parameters(input_bias)


def test_count_parameters_check_reports_a_list_per_layer():
    def per_layer(layer_sizes):
        return [a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]

    with pytest.raises(CheckFailed, match="list .* instead of a number"):
        check_count_parameters(per_layer)


def test_count_parameters_check_reports_something_that_is_not_a_function():
    with pytest.raises(CheckFailed, match="count_parameters: expected a function"):
        check_count_parameters(7850)
