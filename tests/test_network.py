"""The network: initialization, forward and backward passes, gradient checks, updates."""

import importlib
import warnings

import numpy as np
import pytest

import nnlib
from nnlib.forward import HIDDEN_ACTIVATIONS
from nnlib.gradient_check import numerical_gradient, relative_error

OUTPUT_COSTS = [
    ("softmax", "categorical_cross_entropy"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "mse"),
    ("sigmoid", "mse"),
    ("linear", "mse"),
    ("tanh", "mse"),
]


def small_problem(depth, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    sizes = [4] + [5] * (depth - 1) + [n_out]
    parameters = nnlib.initialize_parameters(*sizes, method="xavier", rng=rng, dtype=np.float64)
    for key in parameters:  # non-zero biases keep every ReLU input away from its kink at 0
        if key.startswith("b"):
            parameters[key] = rng.uniform(0.1, 0.5, size=parameters[key].shape)
    X = rng.standard_normal((6, 4))
    y = rng.integers(0, n_out, size=6)
    return parameters, X, y


# --- initialization -------------------------------------------------------------------------

def test_seed_call_gives_the_documented_shapes_and_float32():
    p = nnlib.initialize_parameters(784, 128, 10)
    assert {k: v.shape for k, v in p.items()} == {
        "W1": (784, 128), "b1": (128,), "W2": (128, 10), "b2": (10,)}
    assert all(v.dtype == np.float32 for v in p.values())
    assert not p["b1"].any()


def test_any_depth_and_a_list_of_sizes():
    p = nnlib.initialize_parameters([3, 8, 8, 8, 2], rng=0)
    assert sorted(p) == ["W1", "W2", "W3", "W4", "b1", "b2", "b3", "b4"]
    assert p["W3"].shape == (8, 8)


def test_same_seed_gives_identical_parameters_and_generators_work():
    a = nnlib.initialize_parameters(5, 4, 3, rng=42)
    b = nnlib.initialize_parameters(5, 4, 3, rng=np.random.default_rng(42))
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    c = nnlib.initialize_parameters(5, 4, 3, rng=43)
    assert not np.array_equal(a["W1"], c["W1"])


@pytest.mark.parametrize("method, expected_std", [
    ("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 700)), ("small", 0.01)])
def test_init_methods_have_their_standard_deviation(method, expected_std):
    W = nnlib.initialize_parameters(400, 300, method=method, rng=0)["W1"]
    assert W.std() == pytest.approx(expected_std, rel=0.02)


def test_zeros_and_custom_scale():
    assert not nnlib.initialize_parameters(3, 2, method="zeros")["W1"].any()
    W = nnlib.initialize_parameters(500, 400, method="normal", scale=2.0, rng=0)["W1"]
    assert W.std() == pytest.approx(2.0, rel=0.02)


@pytest.mark.parametrize("sizes, error, match", [
    ((784,), ValueError, "at least an input and an output"),
    ((784, 0, 10), ValueError, "layer size 1 must be a positive integer, got 0"),
    ((784, -5, 10), ValueError, "layer size 1 must be a positive integer, got -5"),
    ((784, 12.5, 10), TypeError, "layer size 1 must be a positive integer"),
])
def test_bad_layer_sizes_are_rejected(sizes, error, match):
    with pytest.raises(error, match=match):
        nnlib.initialize_parameters(*sizes)


def test_unknown_init_method_is_rejected():
    with pytest.raises(ValueError, match="unknown init method 'glorot'.*xavier"):
        nnlib.initialize_parameters(3, 2, method="glorot")


# --- forward pass ---------------------------------------------------------------------------

def test_forward_shapes_and_cache_for_every_layer():
    parameters = nnlib.initialize_parameters(784, 128, 64, 10, rng=0)
    X = np.random.default_rng(1).random((32, 784), dtype=np.float32)
    output, cache = nnlib.forward_propagation(X, parameters)
    assert output.shape == (32, 10) and output.dtype == np.float32
    np.testing.assert_allclose(output.sum(axis=1), 1.0, rtol=1e-5)
    assert [cache[f"A{l}"].shape for l in range(4)] == [(32, 784), (32, 128), (32, 64), (32, 10)]
    assert cache["activations"] == ("relu", "softmax")


def test_single_output_unit_defaults_to_sigmoid():
    parameters = nnlib.initialize_parameters(2, 3, 1, rng=0)
    output, cache = nnlib.forward_propagation(np.ones((4, 2)), parameters)
    assert cache["activations"] == ("relu", "sigmoid")
    assert np.all((output > 0) & (output < 1))


def test_forward_matches_a_hand_computed_two_layer_network():
    parameters, X, _ = small_problem(depth=2)
    Z1 = X @ parameters["W1"] + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ parameters["W2"] + parameters["b2"]
    expected = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
    output, _ = nnlib.forward_propagation(X, parameters, hidden_activation="tanh")
    np.testing.assert_allclose(output, expected, rtol=1e-12)


def test_float64_input_keeps_float64():
    parameters, X, _ = small_problem(depth=2)
    output, _ = nnlib.forward_propagation(X, parameters)
    assert output.dtype == np.float64


def test_x_whose_width_does_not_match_w1_is_rejected():
    parameters = nnlib.initialize_parameters(784, 10, 10, rng=0)
    with pytest.raises(ValueError, match=r"783 features per row but the first layer expects 784"):
        nnlib.forward_propagation(np.zeros((5, 783)), parameters)


def test_transposed_x_gets_a_hint():
    parameters = nnlib.initialize_parameters(784, 10, 10, rng=0)
    with pytest.raises(ValueError, match="looks transposed"):
        nnlib.forward_propagation(np.zeros((784, 5)), parameters)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_x_is_rejected(bad):
    parameters = nnlib.initialize_parameters(3, 2, rng=0)
    X = np.zeros((4, 3))
    X[2, 1] = bad
    with pytest.raises(ValueError, match="X contains 1 NaN or infinite"):
        nnlib.forward_propagation(X, parameters)


def test_empty_batch_is_rejected():
    parameters = nnlib.initialize_parameters(3, 2, rng=0)
    with pytest.raises(ValueError, match="empty batch"):
        nnlib.forward_propagation(np.zeros((0, 3)), parameters)


def test_one_dimensional_x_is_rejected_with_a_reshape_hint():
    parameters = nnlib.initialize_parameters(3, 2, rng=0)
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        nnlib.forward_propagation(np.zeros(3), parameters)


def test_unknown_activation_is_rejected():
    parameters = nnlib.initialize_parameters(3, 2, rng=0)
    with pytest.raises(ValueError, match="unknown hidden_activation 'swish'"):
        nnlib.forward_propagation(np.zeros((1, 3)), parameters, hidden_activation="swish")


def test_extreme_inputs_give_finite_outputs_without_warnings():
    parameters = nnlib.initialize_parameters(3, 4, 2, method="normal", scale=100.0, rng=0)
    X = np.array([[1e4, -1e4, 1e4], [-1e4, 1e4, -1e4]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for hidden in ("sigmoid", "tanh"):
            for output_activation in ("softmax", "sigmoid"):
                A, _ = nnlib.forward_propagation(X, parameters, hidden, output_activation)
                assert np.all(np.isfinite(A))
                assert np.isfinite(nnlib.compute_cost(A, np.array([0, 1]) if output_activation
                                                      == "softmax" else np.eye(2)))


# --- backward pass and gradient checks ------------------------------------------------------

@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_gradients_match_finite_differences_for_every_depth_and_hidden_activation(depth, hidden):
    parameters, X, y = small_problem(depth)
    assert nnlib.gradient_check(parameters, X, y, hidden_activation=hidden) < 1e-7


@pytest.mark.parametrize("output_activation, cost", OUTPUT_COSTS)
def test_gradients_match_finite_differences_for_every_output_and_cost(output_activation, cost):
    parameters, X, y = small_problem(depth=3)
    Y = np.eye(3)[y] * (0.5 if output_activation == "tanh" else 1.0)
    error = nnlib.gradient_check(parameters, X, Y, hidden_activation="tanh",
                                 output_activation=output_activation, cost=cost)
    assert error < 1e-7


def test_gradients_with_weight_penalties_match_finite_differences():
    parameters, X, y = small_problem(depth=3)
    assert nnlib.gradient_check(parameters, X, y, hidden_activation="tanh", l2=0.3, l1=0.05) < 1e-7


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    gc = importlib.import_module("nnlib.gradient_check")
    parameters, X, y = small_problem(depth=2)
    real = gc.run_backward

    def broken(*args, **kwargs):
        grads = real(*args, **kwargs)
        grads["dW1"] = grads["dW1"] * 1.1
        return grads

    monkeypatch.setattr(gc, "run_backward", broken)
    assert nnlib.gradient_check(parameters, X, y) > 1e-3


def test_backward_gives_a_gradient_of_each_parameters_shape_and_dtype():
    parameters = nnlib.initialize_parameters(20, 16, 8, 5, rng=0)
    X = np.random.default_rng(0).random((10, 20), dtype=np.float32)
    output, cache = nnlib.forward_propagation(X, parameters)
    grads = nnlib.backward_propagation(parameters, cache, X, np.arange(10) % 5)
    for key, value in parameters.items():
        assert grads[f"d{key}"].shape == value.shape
        assert grads[f"d{key}"].dtype == np.float32


def test_single_sigmoid_unit_accepts_a_column_or_a_vector_of_targets():
    parameters, X, _ = small_problem(depth=2, n_out=1)
    y = np.array([0, 1, 1, 0, 1, 0])
    _, cache = nnlib.forward_propagation(X, parameters)
    g1 = nnlib.backward_propagation(parameters, cache, X, y)
    g2 = nnlib.backward_propagation(parameters, cache, X, y.reshape(-1, 1))
    np.testing.assert_array_equal(g1["dW1"], g2["dW1"])


def test_backward_rejects_a_cache_from_another_batch():
    parameters, X, y = small_problem(depth=2)
    _, cache = nnlib.forward_propagation(X, parameters)
    with pytest.raises(ValueError, match="pass the same X to both"):
        nnlib.backward_propagation(parameters, cache, X[:3], y[:3])


def test_backward_rejects_labels_out_of_range():
    parameters, X, _ = small_problem(depth=2)
    _, cache = nnlib.forward_propagation(X, parameters)
    with pytest.raises(ValueError, match=r"Y must hold labels in 0\.\.2"):
        nnlib.backward_propagation(parameters, cache, X, np.array([0, 1, 2, 3, 0, 1]))


def test_dropout_masks_are_used_in_the_backward_pass():
    """With the masks fixed (the same seed on every pass), backpropagation through dropout
    matches finite differences of the dropped-out network's cost."""
    parameters, X, y = small_problem(depth=3)

    def forward():
        return nnlib.forward_propagation(X, parameters, "tanh", dropout=0.5, rng=3)

    output, cache = forward()
    assert (cache["D1"] == 0).any() and (cache["D2"] == 0).any()
    assert (cache["D1"] != 0).any() and (cache["D2"] != 0).any()
    grads = nnlib.backward_propagation(parameters, cache, X, y)
    for key, theta in parameters.items():
        numeric = numerical_gradient(lambda: nnlib.compute_cost(forward()[0], y), theta)
        assert relative_error(grads[f"d{key}"], numeric) < 1e-7, key


def test_numerical_gradient_refuses_float32_arrays():
    parameters = nnlib.initialize_parameters(3, 2, rng=0)  # float32
    with pytest.raises(TypeError, match="float64.*dtype=np.float64"):
        numerical_gradient(lambda: 0.0, parameters["W1"])


def test_numerical_gradient_restores_the_entry_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])

    def f():
        if x[1] != 2.0:
            raise RuntimeError("f failed on a perturbed x")
        return float(x.sum())

    with pytest.raises(RuntimeError, match="perturbed"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_of_a_quadratic_is_its_derivative():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda: float(np.sum(x ** 3)), x),
                               3 * x ** 2, rtol=1e-8)


# --- gradient descent -----------------------------------------------------------------------

def test_update_parameters_takes_a_step_against_the_gradient():
    parameters = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    grads = {"dW1": np.full((2, 2), 0.5), "db1": np.array([1.0, -1.0])}
    result = nnlib.update_parameters(parameters, grads, learning_rate=0.1)
    assert result is parameters
    np.testing.assert_allclose(parameters["W1"], 0.95)
    np.testing.assert_allclose(parameters["b1"], [-0.1, 0.1])


@pytest.mark.parametrize("rate", [0, -0.1, float("nan")])
def test_learning_rate_must_be_positive(rate):
    parameters, _, _ = small_problem(depth=1)
    grads = {f"d{k}": np.zeros_like(v) for k, v in parameters.items()}
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        nnlib.update_parameters(parameters, grads, rate)


def test_gradient_descent_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    parameters = nnlib.initialize_parameters(2, 8, 1, method="xavier", rng=1)
    for _ in range(2000):
        output, cache = nnlib.forward_propagation(X, parameters, hidden_activation="tanh")
        grads = nnlib.backward_propagation(parameters, cache, X, y)
        nnlib.update_parameters(parameters, grads, learning_rate=1.0)
    assert nnlib.accuracy(y, nnlib.predict(X, parameters, "tanh")) == 1.0
    assert nnlib.compute_cost(output, y) < 0.05
