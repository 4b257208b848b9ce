"""Lesson 02 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""


import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson02 import check_relu_derivative, check_sigmoid


def stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_sigmoid_check_fails_the_naive_formula_because_it_overflows():
    with pytest.raises(CheckFailed, match=r"large inputs.*RuntimeWarning: overflow"):
        check_sigmoid(naive_sigmoid)


def test_sigmoid_check_fails_a_where_that_evaluates_the_naive_form():
    def where_naive(z):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))

    with pytest.raises(CheckFailed, match="overflow"):
        check_sigmoid(where_naive)


def test_sigmoid_check_fails_a_wrong_sign():
    with pytest.raises(CheckFailed, match=r"z = \[-2, -0.5, 0, 0.25, 0.5, 2\].*expected"):
        check_sigmoid(lambda z: stable_sigmoid(-z))


def test_sigmoid_check_fails_a_result_of_the_wrong_shape():
    with pytest.raises(CheckFailed, match=r"expected shape \(2, 2\), got shape \(4,\)"):
        check_sigmoid(lambda z: stable_sigmoid(z).ravel())


def test_sigmoid_check_fails_float64_answers_to_float32_inputs():
    with pytest.raises(CheckFailed, match=r"float32 inputs.*keep the dtype of z \(float32\)"):
        check_sigmoid(lambda z: stable_sigmoid(z.astype(np.float64)))


def test_relu_derivative_check_fails_a_derivative_of_one_at_zero():
    with pytest.raises(CheckFailed, match=r"at index \(2,\) expected 0, got 1"):
        check_relu_derivative(lambda z: (z >= 0).astype(z.dtype))


def test_relu_derivative_check_fails_relu_itself():
    with pytest.raises(CheckFailed, match="expected 1, got 2"):
        check_relu_derivative(lambda z: np.maximum(z, 0))


def test_relu_derivative_check_fails_a_single_number_instead_of_an_array():
    with pytest.raises(CheckFailed, match=r"expected shape \(6,\), got shape \(\)"):
        check_relu_derivative(lambda z: 1.0)


def test_relu_derivative_check_fails_booleans_or_float64_for_float32_input():
    with pytest.raises(CheckFailed, match=r"keep the dtype of z \(float64\), not .* bool"):
        check_relu_derivative(lambda z: z > 0)
    with pytest.raises(CheckFailed, match=r"keep the dtype of z \(float32\)"):
        check_relu_derivative(lambda z: (z > 0).astype(float))
