"""Lesson 05 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import math

import numpy as np
import pytest
from exercise_runs import solution, solution_source

import nnlib
from nnlib.checks import yours_or_nnlib
from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson05 import (
    backward_right,
    backward_without_1_over_m,
    check_backward_propagation,
    check_gradient_check,
    check_update_parameters,
    check_value,
)
from nnlib.graph import Value as NnlibValue

# --- Value -----------------------------------------------------------------------------------


def test_an_unfinished_value_class_falls_back_to_nnlibs(tmp_path, capsys):
    import importlib.util

    from nnlib.assignments import stub_solution

    stub = stub_solution(solution_source("lesson05-value"), "test", "lesson05-value")
    path = tmp_path / "learner.py"
    path.write_text("import math\n\n" + stub + "\n")
    spec = importlib.util.spec_from_file_location("learner", path)
    learner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(learner)
    assert yours_or_nnlib(learner.Value, NnlibValue) is NnlibValue
    assert "your Value is not written yet" in capsys.readouterr().out
    finished = solution("lesson05-value")
    assert yours_or_nnlib(finished, NnlibValue) is finished


def test_value_with_assignment_instead_of_accumulation_fails_on_a_value_used_twice():
    code = solution_source("lesson05-value").replace(
        "self.grad += other.data * out.grad", "self.grad = other.data * out.grad").replace(
        "other.grad += self.data * out.grad", "other.grad = self.data * out.grad")
    with pytest.raises(CheckFailed, match=r"a · a \(one value used twice"):
        check_value(solution("lesson05-value", code))


def test_value_without_a_topological_order_fails_on_the_diamond():
    code = solution_source("lesson05-value").replace(
        "        visit(self)\n        self.grad = 1.0\n        for node in reversed(order):\n"
        "            node._backward()\n",
        "        self.grad = 1.0\n\n        def depth_first(node):\n"
        "            node._backward()\n            for child in node.children:\n"
        "                depth_first(child)\n        depth_first(self)\n")
    assert "depth_first" in code
    with pytest.raises(CheckFailed, match="needs a topological order"):
        check_value(solution("lesson05-value", code))


def test_nnlibs_value_agrees_with_finite_differences():
    def f(a, b, c):
        return math.tanh(math.exp(a * b) * c + a)

    values = [NnlibValue(0.3), NnlibValue(-0.8), NnlibValue(1.7)]
    (values[0] * values[1]).exp().__mul__(values[2]).__add__(values[0]).tanh().backward()
    for i, value in enumerate(values):
        up = [v.data + (1e-6 if j == i else 0) for j, v in enumerate(values)]
        down = [v.data - (1e-6 if j == i else 0) for j, v in enumerate(values)]
        assert value.grad == pytest.approx((f(*up) - f(*down)) / 2e-6, rel=1e-7)


# --- backward_propagation --------------------------------------------------------------------

def backward(parameters, cache, X, Y):
    return solution("lesson05-backward-propagation")(parameters, cache, X, Y)


def test_backward_names_a_missing_1_over_m():
    def no_mean(parameters, cache, X, Y):
        return {k: v * X.shape[0] for k, v in backward(parameters, cache, X, Y).items()}

    with pytest.raises(CheckFailed, match="m times too large: the 1/m is missing"):
        check_backward_propagation(no_mean)


def test_backward_names_a_wrong_sign():
    def flipped(parameters, cache, X, Y):
        return {k: -v for k, v in backward(parameters, cache, X, Y).items()}

    with pytest.raises(CheckFailed, match="wrong sign"):
        check_backward_propagation(flipped)


def test_backward_names_a_transposed_weight_gradient():
    def transposed(parameters, cache, X, Y):
        return {k: v.T if k.startswith("dW") else v
                for k, v in backward(parameters, cache, X, Y).items()}

    message = r"dW1 has shape \(1, 3\), expected \(3, 1\) \(transposed"
    with pytest.raises(CheckFailed, match=message):
        check_backward_propagation(transposed)


def test_backward_names_bias_gradients_with_kept_dimensions():
    def keepdims(parameters, cache, X, Y):
        grads = backward(parameters, cache, X, Y)
        return {k: v.reshape(1, -1) if k.startswith("db") else v for k, v in grads.items()}

    with pytest.raises(CheckFailed, match=r"db1 has shape \(1, 1\), expected \(1,\) \(db_l sums"):
        check_backward_propagation(keepdims)


def test_backward_points_at_the_step_down_when_the_top_layer_is_right():
    def relu_slope_always(parameters, cache, X, Y):
        cache = dict(cache, activations=("relu", cache["activations"][1]))
        return backward(parameters, cache, X, Y)

    with pytest.raises(CheckFailed, match=r"layer 2 is right, so look at the step down to layer "
                                          r"1.*\(hidden activation tanh\)"):
        check_backward_propagation(relu_slope_always)


def test_backward_reports_float64_gradients_for_float32_parameters():
    def upcast(parameters, cache, X, Y):
        return {k: v.astype(np.float64) for k, v in backward(parameters, cache, X, Y).items()}

    with pytest.raises(CheckFailed, match="float32.*dW2 has dtype float64, expected float32"):
        check_backward_propagation(upcast)


def test_backward_reports_missing_layers():
    def top_only(parameters, cache, X, Y):
        grads = backward(parameters, cache, X, Y)
        return {k: v for k, v in grads.items() if k.endswith(str(len(parameters) // 2))}

    with pytest.raises(CheckFailed, match=r"expected the keys \['dW1', 'dW2', 'db1', 'db2'\]"):
        check_backward_propagation(top_only)


# --- update_parameters -----------------------------------------------------------------------

def test_update_names_a_step_uphill():
    def uphill(parameters, grads, learning_rate):
        return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}

    with pytest.raises(CheckFailed, match="moved uphill"):
        check_update_parameters(uphill)


def test_update_names_a_forgotten_learning_rate():
    def no_rate(parameters, grads, learning_rate):
        return {k: v - grads["d" + k] for k, v in parameters.items()}

    with pytest.raises(CheckFailed, match="the learning rate 0.1 times dW1"):
        check_update_parameters(no_rate)


def test_update_in_place_passes(capsys):
    def in_place(parameters, grads, learning_rate):
        for key in parameters:
            parameters[key] -= learning_rate * grads["d" + key]
        return parameters

    check_update_parameters(in_place, seed=4)
    assert "passed" in capsys.readouterr().out


# --- gradient_check --------------------------------------------------------------------------

def test_gradient_check_in_float32_fails():
    code = solution_source("lesson05-gradient-check").replace("np.float64", "np.float32")
    with pytest.raises(CheckFailed, match="above 1e-7: is everything in float64"):
        check_gradient_check(solution("lesson05-gradient-check", code))


def test_gradient_check_that_always_says_right_fails():
    with pytest.raises(CheckFailed, match="these gradients are wrong"):
        check_gradient_check(lambda *args, **kwargs: 0.0)


def test_gradient_check_that_forgets_to_put_a_parameter_back_fails():
    code = solution_source("lesson05-gradient-check").replace(
        "            theta[i] = old\n", "")
    assert code != solution_source("lesson05-gradient-check")
    with pytest.raises(CheckFailed):
        check_gradient_check(solution("lesson05-gradient-check", code))


def test_the_wrong_gradient_functions_are_far_from_right_and_the_right_one_is_right():
    from nnlib.gradient_check import check_backward

    rng = np.random.default_rng(0)
    parameters = nnlib.initialize_parameters(3, 4, 2, rng=rng, dtype=np.float64)
    X, Y = rng.standard_normal((5, 3)), np.eye(2)[rng.integers(2, size=5)]
    assert check_backward(backward_right, parameters, X, Y, "tanh") < 1e-7
    assert check_backward(backward_without_1_over_m, parameters, X, Y, "tanh") > 1e-1
