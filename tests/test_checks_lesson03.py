"""Lesson 03 exercise checks: pass a correct answer, fail every kind of wrong one clearly."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson03 import check_count_parameters, check_layer_forward


def correct_layer_forward(A_prev, W, b):
    Z = A_prev @ W + b
    return Z, np.maximum(Z, 0)


def test_layer_forward_check_passes_a_function_that_returns_float32(capsys):
    def float32_layer(A_prev, W, b):
        Z = (A_prev @ W + b).astype(np.float32)
        return Z, np.maximum(Z, 0)

    check_layer_forward(float32_layer)
    assert "passed" in capsys.readouterr().out


def test_layer_forward_check_fails_without_the_relu():
    with pytest.raises(CheckFailed, match=r"value 1: at index .* expected 0, got -"):
        check_layer_forward(lambda A_prev, W, b: (A_prev @ W + b, A_prev @ W + b))


def test_layer_forward_check_fails_when_the_bias_is_forgotten():
    with pytest.raises(CheckFailed, match=r"one example.*value 0: at index \(0, 3\)"):
        check_layer_forward(lambda A_prev, W, b: correct_layer_forward(A_prev, W, 0 * b))


def test_layer_forward_check_fails_a_sigmoid_instead_of_relu():
    def sigmoid_layer(A_prev, W, b):
        Z = A_prev @ W + b
        return Z, 1 / (1 + np.exp(-np.clip(Z, -500, 500)))

    with pytest.raises(CheckFailed, match="value 1"):
        check_layer_forward(sigmoid_layer)


def test_layer_forward_check_reports_a_transposed_weight_matrix():
    with pytest.raises(CheckFailed, match="your function raised ValueError"):
        check_layer_forward(lambda A_prev, W, b: correct_layer_forward(A_prev, W.T, b))


def test_layer_forward_check_reports_a_single_value_instead_of_the_pair():
    message = r"expected 2 values \(a tuple\), got array of shape \(1, 4\)"
    with pytest.raises(CheckFailed, match=message):
        check_layer_forward(lambda A_prev, W, b: correct_layer_forward(A_prev, W, b)[1])


def test_layer_forward_check_reports_the_wrong_shape():
    def transposed_output(A_prev, W, b):
        Z, A = correct_layer_forward(A_prev, W, b)
        return Z.T, A.T

    with pytest.raises(CheckFailed, match=r"expected shape \(1, 4\), got shape \(4, 1\)"):
        check_layer_forward(transposed_output)


def test_layer_forward_check_reports_a_none_inside_the_pair():
    with pytest.raises(CheckFailed, match="value 1: got None"):
        check_layer_forward(lambda A_prev, W, b: (A_prev @ W + b, None))


def test_count_parameters_check_fails_when_biases_are_forgotten():
    def weights_only(layer_sizes):
        return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))

    with pytest.raises(CheckFailed, match=r"layer sizes \[2, 1\].*expected 3, got 2"):
        check_count_parameters(weights_only)


def test_count_parameters_check_fails_when_only_two_layers_are_counted():
    def first_layer_only(layer_sizes):
        return layer_sizes[0] * layer_sizes[1] + layer_sizes[1]

    with pytest.raises(CheckFailed, match=r"layer sizes \[3, 4, 2\].*expected 26, got 16"):
        check_count_parameters(first_layer_only)


def test_count_parameters_check_reports_a_list_instead_of_a_number():
    def per_layer(layer_sizes):
        return [a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]

    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(1,\)"):
        check_count_parameters(per_layer)
