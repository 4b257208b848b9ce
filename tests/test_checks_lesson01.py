"""Lesson 01 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""


import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson01 import check_neuron_output, check_weighted_sum


def correct_neuron_output(X, w, b):
    return 1 / (1 + np.exp(-(X @ w + b)))


def test_weighted_sum_check_passes_a_loop_written_by_hand(capsys):
    def loop(x, w, b):
        z = b
        for x_i, w_i in zip(x, w, strict=True):
            z += x_i * w_i
        return z

    check_weighted_sum(loop, seed=3)
    assert "passed" in capsys.readouterr().out


def test_weighted_sum_check_fails_when_the_bias_is_forgotten():
    with pytest.raises(CheckFailed, match=r"zero weights and bias 0.5.*expected 0.5, got 0"):
        check_weighted_sum(lambda x, w, b: x @ w)


def test_weighted_sum_check_fails_an_elementwise_product_with_the_wrong_shape():
    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(5,\)"):
        check_weighted_sum(lambda x, w, b: x * w + b)


def test_weighted_sum_check_reports_an_exception_from_the_learner():
    def broken(x, w, b):
        return x @ w.reshape(1, -1) + b

    with pytest.raises(CheckFailed, match="your function raised ValueError"):
        check_weighted_sum(broken)


def test_neuron_output_check_fails_without_the_activation():
    with pytest.raises(CheckFailed, match=r"sigmoid\(0\) = 0.5.*expected 0.5, got 0"):
        check_neuron_output(lambda X, w, b: X @ w + b)


def test_neuron_output_check_fails_a_column_instead_of_a_vector():
    with pytest.raises(CheckFailed, match=r"expected shape \(6,\), got shape \(6, 1\)"):
        check_neuron_output(lambda X, w, b: correct_neuron_output(X, w, b).reshape(-1, 1))


def test_neuron_output_check_fails_a_function_that_handles_only_the_first_row():
    with pytest.raises(CheckFailed, match=r"expected shape \(6,\), got shape \(\)"):
        check_neuron_output(lambda X, w, b: correct_neuron_output(X[0], w, b))
