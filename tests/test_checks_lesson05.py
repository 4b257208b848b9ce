"""Lesson 05 exercise checks: pass a correct answer, fail every kind of wrong one clearly."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson05 import check_backward_two_layer, check_relu_backward


def correct_relu_backward(dA, Z):
    return dA * (Z > 0)


def correct_backward_two_layer(parameters, cache, X, Y):
    m = X.shape[0]
    dZ2 = (cache["A2"] - Y) / m
    dA1 = dZ2 @ parameters["W2"].T
    dZ1 = dA1 * (cache["Z1"] > 0)
    return {"dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0),
            "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0)}


def test_relu_backward_check_passes_a_float32_answer(capsys):
    check_relu_backward(lambda dA, Z: (dA * (Z > 0)).astype(np.float32))
    assert "passed" in capsys.readouterr().out


def test_relu_backward_check_fails_when_z_equal_to_0_lets_the_gradient_through():
    with pytest.raises(CheckFailed, match=r"Z = 0 exactly .* expected 0, got 1"):
        check_relu_backward(lambda dA, Z: dA * (Z >= 0))


def test_relu_backward_check_fails_when_the_relu_output_is_used_instead_of_its_slope():
    with pytest.raises(CheckFailed, match="positive Z"):
        check_relu_backward(lambda dA, Z: dA * np.maximum(Z, 0))


def test_relu_backward_check_fails_when_da_is_ignored():
    with pytest.raises(CheckFailed, match="positive Z"):
        check_relu_backward(lambda dA, Z: (Z > 0).astype(float))


def test_relu_backward_check_reports_the_wrong_shape():
    with pytest.raises(CheckFailed, match=r"expected shape \(2, 3\), got shape \(3, 2\)"):
        check_relu_backward(lambda dA, Z: correct_relu_backward(dA, Z).T)


def test_relu_backward_check_reports_an_exception_with_the_case():
    def broken(dA, Z):
        return dA @ Z

    with pytest.raises(CheckFailed, match="your function raised ValueError"):
        check_relu_backward(broken)


def test_backward_two_layer_check_fails_without_the_1_over_m():
    def no_mean(parameters, cache, X, Y):
        grads = correct_backward_two_layer(parameters, cache, X, Y)
        return {key: value * X.shape[0] for key, value in grads.items()}

    with pytest.raises(CheckFailed, match="a batch of 5 examples"):
        check_backward_two_layer(no_mean)


def test_backward_two_layer_check_fails_without_the_relu_derivative():
    def no_relu(parameters, cache, X, Y):
        dZ2 = (cache["A2"] - Y) / X.shape[0]
        dZ1 = dZ2 @ parameters["W2"].T
        return {"dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0),
                "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0)}

    with pytest.raises(CheckFailed, match="'dW1'"):
        check_backward_two_layer(no_relu)


def test_backward_two_layer_check_reports_a_bias_gradient_with_kept_dimensions():
    def keepdims(parameters, cache, X, Y):
        grads = correct_backward_two_layer(parameters, cache, X, Y)
        grads["db1"] = grads["db1"].reshape(1, -1)
        return grads

    with pytest.raises(CheckFailed, match=r"'db1': expected shape \(4,\), got shape \(1, 4\)"):
        check_backward_two_layer(keepdims)


def test_backward_two_layer_check_reports_missing_keys():
    def only_layer_two(parameters, cache, X, Y):
        grads = correct_backward_two_layer(parameters, cache, X, Y)
        return {"dW2": grads["dW2"], "db2": grads["db2"]}

    keys = r"expected a dict with keys \['dW1', 'dW2', 'db1', 'db2'\], got \['dW2', 'db2'\]"
    with pytest.raises(CheckFailed, match=keys):
        check_backward_two_layer(only_layer_two)


def test_backward_two_layer_check_reports_an_array_instead_of_a_dict():
    with pytest.raises(CheckFailed, match="expected a dict .*got array of shape"):
        check_backward_two_layer(lambda parameters, cache, X, Y: cache["A1"])


def test_checks_never_show_the_reference_code():
    with pytest.raises(CheckFailed) as failure:
        check_backward_two_layer(lambda parameters, cache, X, Y: {})
    assert "backward_propagation" not in str(failure.value)
