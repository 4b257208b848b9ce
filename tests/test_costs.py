"""Costs: values, gradients against finite differences, stability at 0 and 1, bad targets."""

import warnings

import numpy as np
import pytest

from nnlib import costs


def numeric_gradient(f, A, Y, eps=1e-6):
    G = np.zeros_like(A)
    for i in np.ndindex(A.shape):
        plus, minus = A.copy(), A.copy()
        plus[i] += eps
        minus[i] -= eps
        G[i] = (f(plus, Y) - f(minus, Y)) / (2 * eps)
    return G


@pytest.fixture
def probabilities():
    rng = np.random.default_rng(0)
    A = rng.uniform(0.05, 0.95, size=(6, 4))
    Y = np.eye(4)[rng.integers(0, 4, size=6)]
    return A, Y


@pytest.mark.parametrize("name", ["mse", "binary_cross_entropy", "categorical_cross_entropy"])
def test_gradient_matches_finite_differences(name, probabilities):
    A, Y = probabilities
    cost = costs.get_cost(name)
    np.testing.assert_allclose(cost.gradient(A, Y), numeric_gradient(cost.function, A, Y),
                               rtol=1e-5, atol=1e-8)


def test_softmax_cross_entropy_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    Z, Y = rng.standard_normal((5, 3)), np.eye(3)[[0, 2, 1, 1, 0]]
    np.testing.assert_allclose(costs.softmax_cross_entropy_gradient(Z, Y),
                               numeric_gradient(costs.softmax_cross_entropy, Z, Y), atol=1e-8)


def test_softmax_cross_entropy_equals_cross_entropy_of_softmax():
    from nnlib.activations import softmax

    rng = np.random.default_rng(2)
    Z, Y = rng.standard_normal((5, 3)), np.eye(3)[[0, 2, 1, 1, 0]]
    assert costs.softmax_cross_entropy(Z, Y) == pytest.approx(
        costs.categorical_cross_entropy(softmax(Z), Y), rel=1e-12)


def test_known_values():
    A = np.array([[0.8], [0.1]])
    Y = np.array([[1.0], [0.0]])
    assert costs.binary_cross_entropy(A, Y) == pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2)
    assert costs.mse(A, Y) == pytest.approx((0.2**2 + 0.1**2) / 4)
    P = np.array([[0.7, 0.2, 0.1]])
    assert costs.categorical_cross_entropy(P, np.array([[0, 1, 0]])) == pytest.approx(-np.log(0.2))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_costs_and_gradients_are_finite_for_predictions_of_zero_and_one(dtype):
    A = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    Y = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in costs.COSTS:
            cost = costs.get_cost(name)
            assert np.isfinite(cost.function(A, Y))
            assert np.all(np.isfinite(cost.gradient(A, Y)))
        assert np.isfinite(costs.softmax_cross_entropy(np.array([[1e4, -1e4]], dtype=dtype),
                                                       np.array([[0.0, 1.0]], dtype=dtype)))


def test_compute_cost_returns_a_python_float_and_picks_the_default_cost():
    A = np.array([[0.9], [0.2]], dtype=np.float32)
    value = costs.compute_cost(A, np.array([1, 0]))
    assert type(value) is float
    assert value == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2, rel=1e-6)
    P = np.array([[0.7, 0.3], [0.4, 0.6]])
    expected = -(np.log(0.7) + np.log(0.6)) / 2
    assert costs.compute_cost(P, np.array([0, 1])) == pytest.approx(expected)


def test_integer_labels_and_one_hot_give_the_same_cost(probabilities):
    A, Y = probabilities
    assert costs.compute_cost(A, Y.argmax(axis=1)) == pytest.approx(costs.compute_cost(A, Y))


def test_labels_out_of_range_are_rejected():
    A = np.full((2, 10), 0.1)
    with pytest.raises(ValueError, match=r"Y must hold labels in 0\.\.9"):
        costs.compute_cost(A, np.array([3, 10]))


def test_targets_of_the_wrong_shape_are_rejected():
    with pytest.raises(ValueError, match=r"shape of the predictions \(4, 3\).*got \(3, 4\)"):
        costs.compute_cost(np.full((4, 3), 1 / 3), np.zeros((3, 4)))


def test_unknown_cost_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown cost 'hinge'.*mse"):
        costs.compute_cost(np.full((2, 1), 0.5), np.array([0, 1]), cost="hinge")


def test_nan_predictions_are_rejected():
    with pytest.raises(ValueError, match="output contains 1 NaN"):
        costs.compute_cost(np.array([[0.5], [np.nan]]), np.array([0, 1]))


# --- costs from the logits ------------------------------------------------------------------

def test_log_softmax_of_a_single_row_works_on_the_last_axis():
    z = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(costs.log_softmax(z), np.log(np.exp(z) / np.exp(z).sum()))
    np.testing.assert_allclose(costs.log_softmax(z[None])[0], costs.log_softmax(z))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_cross_entropy_from_logits_costs_a_confident_mistake_its_full_logit(dtype):
    Z = np.array([[50.0], [-50.0], [0.0], [3.0]], dtype=dtype)
    Y = np.array([[0.0], [0.0], [1.0], [1.0]], dtype=dtype)
    expected = (50.0 + np.log1p(np.exp(-50.0)) + np.log1p(np.exp(-50.0)) + np.log(2.0)
                + np.log1p(np.exp(-3.0))) / 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert costs.sigmoid_cross_entropy(Z, Y) == pytest.approx(expected, rel=1e-6)
        assert np.isfinite(costs.sigmoid_cross_entropy(np.array([[1e30], [-1e30]]),
                                                       np.array([[0.0], [1.0]])))


def test_sigmoid_cross_entropy_equals_binary_cross_entropy_of_the_sigmoid_near_zero():
    rng = np.random.default_rng(0)
    Z, Y = rng.standard_normal((6, 3)), rng.integers(0, 2, (6, 3)).astype(float)
    A = 1 / (1 + np.exp(-Z))
    assert costs.sigmoid_cross_entropy(Z, Y) == pytest.approx(costs.binary_cross_entropy(A, Y))


def test_a_float32_model_with_logit_50_on_a_0_label_reports_a_loss_of_50():
    from nnlib.model import Model

    model = Model([1, 1])  # sigmoid output, binary cross-entropy
    model.parameters["W1"][...] = 50.0
    assert model.evaluate(np.ones((1, 1), dtype=np.float32), np.array([0]))["loss"] == \
        pytest.approx(50.0, rel=1e-6)
