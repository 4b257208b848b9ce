"""Lesson 12 checks: pass the reference solutions, fail every one-token mutant of them and the
typical mistakes, with hidden cases, warnings as failures, and hints that do not leak."""

import numpy as np
import pytest
from one_token_mutants_lesson12 import compile_function, mutants, surviving_mutants

from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import hints_for
from nnlib.checks.lesson12 import (
    HINTS,
    check_batchnorm_backward,
    check_batchnorm_forward,
    check_residual_backward,
)

BATCHNORM_FORWARD = '''
def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    mean = Z.mean(axis=0)
    var = ((Z - mean) ** 2).mean(axis=0)
    Z_hat = (Z - mean) / np.sqrt(var + eps)
    return gamma * Z_hat + beta
'''

BATCHNORM_BACKWARD = '''
def batchnorm_backward_train(dout, Z, gamma, eps=1e-5):
    m = Z.shape[0]
    inv_std = 1 / np.sqrt(Z.var(axis=0) + eps)
    Z_hat = (Z - Z.mean(axis=0)) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * Z_hat).sum(axis=0)
    G = dout * gamma
    dZ = inv_std / m * (m * G - G.sum(axis=0) - Z_hat * (G * Z_hat).sum(axis=0))
    return dZ, dgamma, dbeta
'''

RESIDUAL_BACKWARD = '''
def residual_block_backward(dout, A, W1, b1, W2):
    Z1 = A @ W1 + b1
    R = np.maximum(Z1, 0)
    dW2 = R.T @ dout
    db2 = dout.sum(axis=0)
    dZ1 = (dout @ W2.T) * (Z1 > 0)
    dW1 = A.T @ dZ1
    db1 = dZ1.sum(axis=0)
    dA = dout + dZ1 @ W1.T
    return dA, dW1, db1, dW2, db2
'''

EXERCISES = {
    "batchnorm_forward_train": (BATCHNORM_FORWARD, check_batchnorm_forward),
    "batchnorm_backward_train": (BATCHNORM_BACKWARD, check_batchnorm_backward),
    "residual_block_backward": (RESIDUAL_BACKWARD, check_residual_backward),
}

# Mutants that compute the same result on every valid input, with the reason.
EQUIVALENT = {
    # the default eps is never used: every case passes eps
    ("batchnorm_forward_train", "line 2: 1e-5 -> 1.00001"),
    ("batchnorm_forward_train", "line 2: 1e-5 -> 2e-05"),
    ("batchnorm_forward_train", "line 2: 1e-5 -> -0.99999"),
    ("batchnorm_backward_train", "line 2: 1e-5 -> 1.00001"),
    ("batchnorm_backward_train", "line 2: 1e-5 -> 2e-05"),
    ("batchnorm_backward_train", "line 2: 1e-5 -> -0.99999"),
}


def reference(name):
    source, _ = EXERCISES[name]
    return compile_function(source, name, {"np": np})


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reference_solution_passes_visible_and_hidden_cases(name, capsys):
    check = EXERCISES[name][1]
    check(reference(name))
    check(reference(name), seed=12345)
    out = capsys.readouterr().out
    assert out.count(f"✔ {name}: all") == 2


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_one_token_mutant_fails_the_check(name):
    source, check = EXERCISES[name]
    survivors = [d for d in surviving_mutants(source, name, check, {"np": np})
                 if (name, d) not in EQUIVALENT]
    assert survivors == [], f"mutants of {name} that pass its check: {survivors}"


def test_the_mutant_generator_makes_each_kind_of_mutant():
    kinds = " ".join(d for d, _ in mutants(RESIDUAL_BACKWARD + "\nx = -1\n"))
    for expected in ("+ -> -", "@ -> *", "> -> <", "0 -> 1", "scaled by 1.01",
                     "unary minus dropped"):
        assert expected in kinds


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hidden_cases_fail_an_answer_that_only_knows_the_visible_ones(name):
    source, check = EXERCISES[name]
    from nnlib.checks import lesson12

    cases_of = {"batchnorm_forward_train": lesson12.batchnorm_forward_cases,
                "batchnorm_backward_train": lesson12.batchnorm_backward_cases,
                "residual_block_backward": lesson12.residual_backward_cases}[name]
    table = [(case.args, case.expected) for case in cases_of()]

    def memorized(*args):
        for known, answer in table:
            if all(np.array_equal(a, b) for a, b in zip(args, known)):
                return answer
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


def test_batchnorm_backward_check_fails_the_gradient_that_ignores_the_batch_statistics():
    def naive(dout, Z, gamma, eps=1e-5):
        inv_std = 1 / np.sqrt(Z.var(axis=0) + eps)
        Z_hat = (Z - Z.mean(axis=0)) * inv_std
        return dout * gamma * inv_std, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)

    with pytest.raises(CheckFailed, match="value 0"):
        check_batchnorm_backward(naive)


def test_residual_backward_check_fails_a_forgotten_identity_path():
    source = RESIDUAL_BACKWARD.replace("dA = dout + dZ1 @ W1.T", "dA = dZ1 @ W1.T")
    with pytest.raises(CheckFailed, match="value 0"):
        check_residual_backward(compile_function(source, "residual_block_backward",
                                                 {"np": np}))


def test_residual_backward_check_fails_transposed_weights_with_a_shape_message():
    source = RESIDUAL_BACKWARD.replace("dW1 = A.T @ dZ1", "dW1 = (A.T @ dZ1).T")
    with pytest.raises(CheckFailed, match=r"value 1: expected shape \(3, 4\)"):
        check_residual_backward(compile_function(source, "residual_block_backward",
                                                 {"np": np}))


def test_every_exercise_has_two_or_three_hints_that_do_not_contain_the_solution():
    sources = {"lesson12-batchnorm-forward": BATCHNORM_FORWARD,
               "lesson12-batchnorm-backward": BATCHNORM_BACKWARD,
               "lesson12-residual-backward": RESIDUAL_BACKWARD}
    assert set(sources) == set(HINTS)
    for exercise, source in sources.items():
        hints = hints_for(exercise)
        assert 2 <= len(hints) <= 3
        text = "".join("".join(hints).split())
        for line in source.strip().splitlines()[1:]:
            expression = line.split("=", 1)[1] if " = " in line else line.replace("return", "")
            expression = "".join(expression.split())
            assert len(expression) < 6 or expression not in text, (exercise, line)
