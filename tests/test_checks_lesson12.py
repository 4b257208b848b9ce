"""Lesson 12 checks: pass the lesson's solutions with their hidden cases and fail the typical
mistakes, with warnings as failures and the input's dtype kept. (Mutants and leaks: see
test_exercise_mutants.py and test_hints_do_not_leak.py.)"""

import numpy as np
import pytest
from exercise_runs import solution, solution_source

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson12 import (
    check_batchnorm_backward,
    check_batchnorm_forward,
    check_residual_backward,
)

EXERCISES = {  # the function's name: (exercise id, check)
    "batchnorm_forward_train": ("lesson12-batchnorm-forward", check_batchnorm_forward),
    "batchnorm_backward_train": ("lesson12-batchnorm-backward", check_batchnorm_backward),
    "residual_block_backward": ("lesson12-residual-backward", check_residual_backward),
}


def reference(name):
    return solution(EXERCISES[name][0])


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reference_solution_passes_visible_and_hidden_cases(name, capsys):
    check = EXERCISES[name][1]
    check(reference(name))
    check(reference(name), seed=12345)
    out = capsys.readouterr().out
    assert out.count(f"✔ {name}: all") == 2


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hidden_cases_fail_an_answer_that_only_knows_the_visible_ones(name):
    check = EXERCISES[name][1]
    from nnlib.checks import lesson12

    cases_of = {"batchnorm_forward_train": lesson12.batchnorm_forward_cases,
                "batchnorm_backward_train": lesson12.batchnorm_backward_cases,
                "residual_block_backward": lesson12.residual_backward_cases}[name]
    table = [(case.args, case.expected) for case in cases_of()]

    def memorized(*args):
        for known, answer in table:
            if all(np.array_equal(a, b) for a, b in zip(args, known)):
                # nnlib's answers are float64; the learner's keep the input's dtype
                return answer.astype(args[0].dtype) if isinstance(answer, np.ndarray) else answer
        return table[0][1]

    check(memorized)  # the visible cases alone cannot tell
    with pytest.raises(CheckFailed, match="hidden case"):
        check(memorized, seed=7)


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


def test_batchnorm_forward_check_counts_a_warning_even_when_numpy_is_told_to_ignore_it():
    def no_eps(Z, gamma, beta, eps=1e-5):
        return gamma * (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0)) + beta

    state = np.geterr()
    with np.errstate(all="ignore"), pytest.raises(CheckFailed, match="RuntimeWarning.*eps"):
        check_batchnorm_forward(no_eps)
    assert np.geterr() == state


def test_batchnorm_forward_check_fails_float64_answers_to_float32_inputs():
    def upcast(Z, gamma, beta, eps=1e-5):
        return reference("batchnorm_forward_train")(Z.astype(np.float64), gamma, beta, eps)

    with pytest.raises(CheckFailed, match=r"keep the dtype of Z \(float32\).*float64"):
        check_batchnorm_forward(upcast)


def test_residual_backward_check_fails_a_float32_gradient_for_float64_inputs():
    def downcast(*args):
        grads = reference("residual_block_backward")(*args)
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


def changed_residual_backward(old, new):
    """The lesson's residual_block_backward with the line ``old`` replaced by ``new``."""
    source = solution_source("lesson12-residual-backward")
    assert old in source
    return solution("lesson12-residual-backward", source.replace(old, new))


def test_residual_backward_check_fails_a_forgotten_identity_path():
    changed = changed_residual_backward("dA = dout + dZ1 @ W1.T", "dA = dZ1 @ W1.T")
    with pytest.raises(CheckFailed, match="value 0"):
        check_residual_backward(changed)


def test_residual_backward_check_fails_transposed_weights_with_a_shape_message():
    changed = changed_residual_backward("dW1 = A.T @ dZ1", "dW1 = (A.T @ dZ1).T")
    with pytest.raises(CheckFailed, match=r"value 1: expected shape \(3, 4\)"):
        check_residual_backward(changed)
