"""Lesson 02 exercise checks: pass a correct answer, fail every kind of wrong one clearly."""

import warnings

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson02 import check_relu_derivative, check_sigmoid


def stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_sigmoid_check_passes_a_stable_sigmoid(capsys):
    check_sigmoid(stable_sigmoid)
    assert "✔ sigmoid: all 4 cases passed." in capsys.readouterr().out


def test_sigmoid_check_fails_the_naive_formula_because_it_overflows():
    with pytest.raises(CheckFailed, match=r"large inputs.*RuntimeWarning: overflow"):
        check_sigmoid(naive_sigmoid)


def test_sigmoid_check_fails_the_naive_formula_even_when_warnings_are_ignored():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(CheckFailed, match="overflow"):
            check_sigmoid(naive_sigmoid)


def test_sigmoid_check_leaves_the_warning_filters_as_they_were():
    before = list(warnings.filters)
    with pytest.raises(CheckFailed):
        check_sigmoid(naive_sigmoid)
    assert warnings.filters == before


def test_sigmoid_check_fails_a_wrong_sign():
    with pytest.raises(CheckFailed, match=r"z = \[-2, -1, 0, 1, 2\].*expected"):
        check_sigmoid(lambda z: stable_sigmoid(-z))


def test_sigmoid_check_fails_a_result_of_the_wrong_shape():
    with pytest.raises(CheckFailed, match=r"expected shape \(4, 3\), got shape \(12,\)"):
        check_sigmoid(lambda z: stable_sigmoid(z).ravel())


def test_relu_derivative_check_fails_a_derivative_of_one_at_zero():
    with pytest.raises(CheckFailed, match=r"derivative at 0 is 0.*index \(2,\) expected 0, got 1"):
        check_relu_derivative(lambda z: (z >= 0).astype(float))


def test_relu_derivative_check_fails_relu_itself():
    with pytest.raises(CheckFailed, match="relu_derivative: on z = "):
        check_relu_derivative(lambda z: np.maximum(z, 0))


def test_relu_derivative_check_fails_a_single_number_instead_of_an_array():
    with pytest.raises(CheckFailed, match=r"expected shape \(5,\), got shape \(\)"):
        check_relu_derivative(lambda z: 1.0)


