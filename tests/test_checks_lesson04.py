"""Lesson 04 exercise checks: each typical wrong answer fails with a message that says what to
look at, and each right answer written another way passes. The checks run in float32, where a
clip at 1e-12 does nothing next to 1. What every check must do (pass the lesson's solution with
and without hidden cases, report a stub, a missing return, a warning, a non-function, a hard-
coded answer; nnlib's fallback passes) is tested for every check in test_checks.py; mutants and
leaks in test_exercise_mutants.py and test_hints_do_not_leak.py."""

import numpy as np
import pytest

from nnlib import costs
from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson04 import (
    check_binary_cross_entropy,
    check_categorical_cross_entropy,
    check_compute_cost,
)


def correct_bce(A, Y, eps=None):
    eps = np.finfo(A.dtype).eps if eps is None else eps
    A = np.clip(A, eps, 1 - eps)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / A.shape[0])


def correct_cce(A, Y, eps=1e-12):
    return float(-np.sum(Y * np.log(np.clip(A, eps, 1))) / A.shape[0])


def test_bce_check_fails_a_clip_at_1e_minus_12_in_float32():
    with pytest.raises(CheckFailed, match=r"exactly 1, all labels 1.*RuntimeWarning.*log"):
        check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y, eps=1e-12))


def test_bce_check_passes_any_epsilon_that_float32_holds_next_to_1(capsys):
    check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y, eps=1e-7))
    check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y, eps=1e-6), seed=5)
    assert capsys.readouterr().out.count("passed") == 2


def test_bce_check_passes_nnlibs_own_cost(capsys):
    check_binary_cross_entropy(costs.binary_cross_entropy, seed=1)
    assert "passed" in capsys.readouterr().out


def test_bce_check_fails_without_clipping():
    def naive(A, Y):
        return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / A.shape[0]

    with pytest.raises(CheckFailed, match=r"RuntimeWarning: divide by zero.*log saw 0"):
        check_binary_cross_entropy(naive)


def test_bce_check_fails_when_logs_of_zero_are_replaced_by_zero():
    def log_or_zero(A, Y):
        safe = np.clip(A, 1e-30, None)
        log_a = np.where(A > 0, np.log(safe), 0)
        log_1_minus_a = np.where(A < 1, np.log(np.clip(1 - A, 1e-30, None)), 0)
        return -np.sum(Y * log_a + (1 - Y) * log_1_minus_a) / A.shape[0]

    message = r"labels 0: the cost must be finite and at least 10.*got -?0\b"
    with pytest.raises(CheckFailed, match=message):
        check_binary_cross_entropy(log_or_zero)


def test_bce_check_fails_an_epsilon_so_large_that_perfect_predictions_cost_something():
    with pytest.raises(CheckFailed, match=r"exactly 1, all labels 1.*expected 0.0317.*got 0.0324"):
        check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y, eps=1e-3))


def test_bce_check_fails_a_mean_over_all_entries_instead_of_rows():
    with pytest.raises(CheckFailed, match="divide by m = 5 rows"):
        check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y) * A.shape[0] / A.size)


def test_bce_check_fails_a_missing_minus_sign():
    with pytest.raises(CheckFailed, match=r"expected 0.693147, got -0.693147"):
        check_binary_cross_entropy(lambda A, Y: -correct_bce(A, Y))


def test_bce_check_reports_per_example_costs_instead_of_their_mean():
    def per_example(A, Y):
        A = np.clip(A, 1e-7, 1 - 1e-7)
        return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1)

    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(4,\)"):
        check_binary_cross_entropy(per_example)


def test_cce_check_passes_a_version_that_picks_the_true_class(capsys):
    def pick(A, Y):
        p = np.clip(A[np.arange(len(A)), Y.argmax(axis=1)], 1e-12, 1)
        return -np.mean(np.log(p))

    check_categorical_cross_entropy(pick, seed=4)
    assert "passed" in capsys.readouterr().out


def test_cce_check_fails_zero_times_log_zero():
    def naive(A, Y):
        return -np.sum(Y * np.log(A)) / A.shape[0]

    with pytest.raises(CheckFailed, match=r"0 \* log 0 must count as 0.*RuntimeWarning"):
        check_categorical_cross_entropy(naive)


def test_cce_check_fails_a_mean_over_all_entries():
    def mean_over_entries(A, Y):
        return -np.mean(Y * np.log(np.clip(A, 1e-12, 1)))

    with pytest.raises(CheckFailed, match=r"log 10.*expected 2.30259, got 0.230259"):
        check_categorical_cross_entropy(mean_over_entries)


def test_cce_check_fails_the_binary_formula():
    with pytest.raises(CheckFailed, match="categorical_cross_entropy: on uniform predictions"):
        check_categorical_cross_entropy(correct_bce)


def test_compute_cost_check_passes_nnlibs_compute_cost(capsys):
    check_compute_cost(costs.compute_cost, seed=8)
    assert "passed" in capsys.readouterr().out


def test_compute_cost_check_fails_a_choice_by_the_number_of_rows():
    def by_rows(output, Y, cost=None):
        if cost is None:
            cost = "binary_cross_entropy" if output.shape[0] == 1 else "categorical_cross_entropy"
        return costs.compute_cost(output, Y, cost)

    with pytest.raises(CheckFailed, match=r"1 output column, cost=None \(binary cross-entropy\)"):
        check_compute_cost(by_rows)


def test_compute_cost_check_fails_a_cost_that_ignores_its_name():
    with pytest.raises(CheckFailed, match="cost='mse'"):
        check_compute_cost(lambda output, Y, cost=None: costs.compute_cost(output, Y))
