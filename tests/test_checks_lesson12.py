"""Lesson 12 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import numpy as np
import pytest
from exercise_runs import changed, solution

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson12 import (
    check_batchnorm_backward,
    check_batchnorm_forward,
    check_residual_backward,
)


def test_batchnorm_forward_check_fails_the_unbiased_variance():
    def unbiased(Z, gamma, beta, eps=1e-5):
        Z_hat = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0, ddof=1) + eps)
        return gamma * Z_hat + beta

    with pytest.raises(CheckFailed, match="standardized"):
        check_batchnorm_forward(unbiased)


def test_batchnorm_forward_check_fails_eps_outside_the_square_root():
    def outside(Z, gamma, beta, eps=1e-5):
        return gamma * (Z - Z.mean(axis=0)) / (Z.std(axis=0) + eps) + beta

    with pytest.raises(CheckFailed, match="almost no spread"):
        check_batchnorm_forward(outside)


def test_batchnorm_forward_check_fails_statistics_over_the_wrong_axis():
    def rows(Z, gamma, beta, eps=1e-5):
        mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
        return gamma * (Z - mean) / np.sqrt(var + eps) + beta

    with pytest.raises(CheckFailed):
        check_batchnorm_forward(rows)


def test_batchnorm_forward_check_reports_a_division_by_zero_warning_as_a_failure():
    def no_eps(Z, gamma, beta, eps=1e-5):
        return gamma * (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0)) + beta

    with pytest.raises(CheckFailed, match="RuntimeWarning"):
        check_batchnorm_forward(no_eps)


def test_batchnorm_forward_check_fails_float64_answers_to_float32_inputs():
    def upcast(Z, gamma, beta, eps=1e-5):
        return solution("lesson12-batchnorm-forward")(Z.astype(np.float64), gamma, beta, eps)

    with pytest.raises(CheckFailed, match=r"keep the dtype of Z \(float32\).*float64"):
        check_batchnorm_forward(upcast)


def test_residual_backward_check_fails_a_float32_gradient_for_float64_inputs():
    def downcast(*args):
        grads = solution("lesson12-residual-backward")(*args)
        return grads[:2] + (grads[2].astype(np.float32),) + grads[3:]

    with pytest.raises(CheckFailed, match=r"value 2 of the result should keep the dtype of dout"):
        check_residual_backward(downcast)


def test_batchnorm_backward_check_fails_the_gradient_that_ignores_the_batch_statistics():
    def naive(dout, Z, gamma, eps=1e-5):
        inv_std = 1 / np.sqrt(Z.var(axis=0) + eps)
        Z_hat = (Z - Z.mean(axis=0)) * inv_std
        return dout * gamma * inv_std, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)

    with pytest.raises(CheckFailed, match="value 0"):
        check_batchnorm_backward(naive)


def test_residual_backward_check_fails_a_forgotten_identity_path():
    wrong = changed("lesson12-residual-backward", "dA = dout + dZ1 @ W1.T", "dA = dZ1 @ W1.T")
    with pytest.raises(CheckFailed, match="value 0"):
        check_residual_backward(wrong)


def test_residual_backward_check_fails_transposed_weights_with_a_shape_message():
    wrong = changed("lesson12-residual-backward", "dW1 = A.T @ dZ1", "dW1 = (A.T @ dZ1).T")
    with pytest.raises(CheckFailed, match=r"value 1: expected shape \(3, 4\)"):
        check_residual_backward(wrong)
