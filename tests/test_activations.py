"""Activations: values, derivatives against finite differences, stability, dtypes."""

import warnings

import numpy as np
import pytest

from nnlib import activations as act

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


def finite_difference(f, Z, eps=1e-6):
    return (f(Z + eps) - f(Z - eps)) / (2 * eps)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name):
    rng = np.random.default_rng(0)
    Z = rng.uniform(-4, 4, size=(7, 5))
    Z[np.abs(Z) < 1e-3] = 0.5  # stay away from ReLU's kink
    activation = act.get_activation(name)
    numeric = finite_difference(activation.function, Z)
    np.testing.assert_allclose(activation.derivative(Z), numeric, rtol=1e-6, atol=1e-8)


def test_softmax_jacobian_matches_finite_differences():
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((3, 4))
    J = act.softmax_derivative(Z)
    for k in range(4):
        dZ = np.zeros_like(Z)
        dZ[:, k] = 1e-6
        column = (act.softmax(Z + dZ) - act.softmax(Z - dZ)) / 2e-6
        np.testing.assert_allclose(J[:, :, k], column, atol=1e-8)


def test_softmax_backward_equals_jacobian_product():
    rng = np.random.default_rng(2)
    Z, dA = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    expected = np.einsum("mkj,mk->mj", act.softmax_derivative(Z), dA)
    np.testing.assert_allclose(act.softmax_backward(dA, act.softmax(Z)), expected, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_exact_and_silent_at_extremes(dtype):
    Z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S = act.sigmoid(Z)
    assert S.dtype == dtype
    assert S[0] == 0.0 and S[-1] == 1.0 and S[3] == 0.5
    np.testing.assert_allclose(S[2], np.exp(dtype(-50.0)) / (1 + np.exp(dtype(-50.0))), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_exact_and_silent_at_extremes(dtype):
    Z = np.array([[1e4, -1e4, 0.0], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S = act.softmax(Z)
    assert S.dtype == dtype
    np.testing.assert_array_equal(S, np.array([[1, 0, 0], [0.5, 0.5, 0], [1 / 3] * 3], dtype=dtype))


def test_softmax_rows_sum_to_one_and_ignore_a_shift():
    Z = np.random.default_rng(3).standard_normal((4, 6))
    np.testing.assert_allclose(act.softmax(Z).sum(axis=1), 1.0)
    np.testing.assert_allclose(act.softmax(Z + 100.0), act.softmax(Z), atol=1e-12)


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_float32_stays_float32_and_integers_become_float32(name):
    f = act.get_activation(name).function
    assert f(np.ones((2, 3), dtype=np.float32)).dtype == np.float32
    assert f(np.ones((2, 3), dtype=np.float64)).dtype == np.float64
    assert f(np.ones((2, 3), dtype=np.int64)).dtype == np.float32


def test_relu_and_leaky_relu_values():
    Z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.relu(Z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(act.leaky_relu(Z), [-0.02, 0.0, 3.0])
    np.testing.assert_array_equal(act.relu_derivative(Z), [0.0, 0.0, 1.0])


def test_unknown_activation_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'relux'.*relu"):
        act.get_activation("relux")


def test_non_numeric_input_raises_type_error():
    with pytest.raises(TypeError, match="Z must be an array of numbers"):
        act.sigmoid(np.array(["a", "b"]))
