"""Lesson 03 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""


import numpy as np
import pytest
from exercise_runs import solution

import nnlib
from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson03 import (
    check_count_parameters,
    check_forward_propagation,
    check_initialize_parameters,
)

# --- initialize_parameters: what a learner gets told -------------------------------------

def he(*sizes, rng=None, dtype=np.float32):
    return solution("lesson03-initialize-parameters")(*sizes, rng=rng, dtype=dtype)


def test_initialize_does_not_demand_nnlibs_draw_order(capsys):
    def biases_first(*sizes, rng=None, dtype=np.float32):
        rng = np.random.default_rng(rng)
        params = {}
        for l in range(len(sizes) - 1, 0, -1):  # last layer drawn first, transposed draw
            W = rng.standard_normal((sizes[l], sizes[l - 1])).T * np.sqrt(2 / sizes[l - 1])
            params[f"W{l}"], params[f"b{l}"] = W.astype(dtype), np.zeros(sizes[l], dtype)
        return params

    check_initialize_parameters(biases_first, seed=3)
    assert "passed" in capsys.readouterr().out


def test_initialize_names_the_wrong_scale():
    def xavier(*sizes, rng=None, dtype=np.float32):
        params = he(*sizes, rng=rng, dtype=dtype)
        for l in range(1, len(sizes)):
            params[f"W{l}"] *= np.sqrt(sizes[l - 1] / (sizes[l - 1] + sizes[l])).astype(dtype)
        return params

    with pytest.raises(CheckFailed, match=r"W1 has standard deviation .* expected about 0.0505"):
        check_initialize_parameters(xavier)


def test_initialize_names_a_transposed_weight_matrix():
    def transposed(*sizes, rng=None, dtype=np.float32):
        params = he(*sizes, rng=rng, dtype=dtype)
        return {k: v.T if k.startswith("W") else v for k, v in params.items()}

    with pytest.raises(CheckFailed, match=r"W1 has shape \(128, 784\) \(transposed\?\)"):
        check_initialize_parameters(transposed)


def test_initialize_asks_for_float32_by_default():
    with pytest.raises(CheckFailed, match="W1 has dtype float64, expected float32"):
        check_initialize_parameters(lambda *s, rng=None, dtype=None: he(*s, rng=rng,
                                                                         dtype=np.float64))


def test_initialize_fails_uniform_weights_with_the_right_scale():
    def uniform(*sizes, rng=None, dtype=np.float32):
        rng = np.random.default_rng(rng)
        params = {}
        for l in range(1, len(sizes)):
            bound = np.sqrt(3) * np.sqrt(2 / sizes[l - 1])  # same standard deviation
            params[f"W{l}"] = rng.uniform(-bound, bound, (sizes[l - 1], sizes[l])).astype(dtype)
            params[f"b{l}"] = np.zeros(sizes[l], dtype)
        return params

    with pytest.raises(CheckFailed, match="draw from the standard normal"):
        check_initialize_parameters(uniform)


def test_initialize_fails_a_fixed_seed_that_ignores_rng():
    with pytest.raises(CheckFailed, match="rng=7 and rng=8 gave the same W1"):
        check_initialize_parameters(lambda *s, rng=None, dtype=np.float32: he(*s, rng=0,
                                                                              dtype=dtype))


def test_initialize_fails_equal_weights():
    def constant(*sizes, rng=None, dtype=np.float32):
        params = he(*sizes, rng=rng, dtype=dtype)
        return {k: np.full_like(v, 0.05) if k.startswith("W") else v for k, v in params.items()}

    with pytest.raises(CheckFailed, match="the weights must be random"):
        check_initialize_parameters(constant)


# --- forward_propagation: what a learner gets told ----------------------------------------

def forward(X, parameters, hidden_activation="relu", output_activation=None):
    return solution("lesson03-forward-propagation")(X, parameters, hidden_activation,
                                                    output_activation)


def test_forward_names_a_missing_cache_entry():
    def no_activation_names(*args):
        A, cache = forward(*args)
        del cache["activations"]
        return A, cache

    with pytest.raises(CheckFailed, match="the cache has no 'activations'"):
        check_forward_propagation(no_activation_names)


def test_forward_names_the_wrong_output_activation():
    def always_softmax(X, parameters, hidden_activation="relu", output_activation=None):
        return forward(X, parameters, hidden_activation, output_activation or "softmax")

    with pytest.raises(CheckFailed, match=r"one layer 3 → 1.*cache\['activations'\]"):
        check_forward_propagation(always_softmax)


def test_forward_points_at_the_activation_when_the_weighted_sums_are_right():
    def hidden_relu_always(X, parameters, hidden_activation="relu", output_activation=None):
        A, cache = forward(X, parameters, "relu", output_activation)
        cache["activations"] = (hidden_activation, cache["activations"][1])
        return A, cache

    message = "Z1 is right, so check layer 1's activation, which is tanh"
    with pytest.raises(CheckFailed, match=message):
        check_forward_propagation(hidden_relu_always)


def test_forward_names_a_forgotten_bias():
    def no_bias(X, parameters, *args):
        return forward(X, {k: v * 0 if k[0] == "b" else v for k, v in parameters.items()}, *args)

    message = r"cache\['Z1'\] \(the weighted sum Z_1 = A_0 W_1 \+ b_1\)"
    with pytest.raises(CheckFailed, match=message):
        check_forward_propagation(no_bias)


def test_forward_reports_float64_where_float32_came_in():
    def upcast(X, parameters, *args):
        return forward(X.astype(np.float64),
                       {k: v.astype(np.float64) for k, v in parameters.items()}, *args)

    with pytest.raises(CheckFailed, match="has dtype float64, expected float32"):
        check_forward_propagation(upcast)


def test_forward_counts_an_overflow_warning_as_a_failure():
    def naive_sigmoid(Z):
        return 1 / (1 + np.exp(-Z))

    activations = {"relu": nnlib.relu, "tanh": nnlib.tanh, "sigmoid": naive_sigmoid,
                   "softmax": nnlib.softmax}
    fn = solution("lesson03-forward-propagation", ACTIVATION_FUNCTIONS=activations)

    def naive(X, parameters, hidden_activation="relu", output_activation=None):
        return fn(X, parameters, hidden_activation, output_activation)

    with pytest.raises(CheckFailed, match="large weights.*RuntimeWarning: overflow"):
        check_forward_propagation(naive)


def test_forward_reports_a_single_value_instead_of_the_pair():
    with pytest.raises(CheckFailed, match=r"expected the pair \(output, cache\), got ndarray"):
        check_forward_propagation(lambda *args: forward(*args)[0])


def test_forward_reports_a_transposed_weight_as_an_error_with_the_case():
    def transposed(X, parameters, *args):
        return forward(X, {k: v.T for k, v in parameters.items()}, *args)

    with pytest.raises(CheckFailed, match="your function raised ValueError"):
        check_forward_propagation(transposed)


# --- count_parameters ----------------------------------------------------------------------

def test_count_parameters_check_fails_when_biases_are_forgotten():
    def weights_only(layer_sizes):
        return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))

    with pytest.raises(CheckFailed, match=r"layer sizes \[2, 1\].*expected 3, got 2"):
        check_count_parameters(weights_only)


def test_nnlibs_count_parameters_counts_what_initialize_parameters_creates():
    from nnlib.initialization import count_parameters

    for sizes in ([2, 1], [784, 128, 10], [3, 8, 8, 4, 1]):
        created = nnlib.initialize_parameters(*sizes, method="zeros")
        assert count_parameters(sizes) == sum(value.size for value in created.values())
