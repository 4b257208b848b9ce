"""Lesson 04 exercise checks: pass a correct answer, fail every kind of wrong one clearly."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson04 import check_binary_cross_entropy, check_categorical_cross_entropy


def correct_bce(A, Y, eps=1e-12):
    A = np.clip(A, eps, 1 - eps)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / A.shape[0])


def test_bce_check_passes_any_tiny_epsilon(capsys):
    check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y, eps=1e-7))
    check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y, eps=np.finfo(np.float64).eps))
    assert capsys.readouterr().out.count("passed") == 2


def test_bce_check_fails_without_clipping():
    def naive(A, Y):
        return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / A.shape[0]

    with pytest.raises(CheckFailed, match=r"perfect predictions.*NaN or infinity.*clip A"):
        check_binary_cross_entropy(naive)


def test_bce_check_fails_when_logs_of_zero_are_replaced_by_zero():
    def log_or_zero(A, Y):
        with np.errstate(divide="ignore"):
            log_a = np.where(A > 0, np.log(A), 0)
            log_1_minus_a = np.where(A < 1, np.log(1 - A), 0)
        return -np.sum(Y * log_a + (1 - Y) * log_1_minus_a) / A.shape[0]

    message = r"confident mistakes.*at least 10.*expected 10, got -?0\b"
    with pytest.raises(CheckFailed, match=message):
        check_binary_cross_entropy(log_or_zero)


def test_bce_check_fails_an_epsilon_so_large_that_perfect_predictions_cost_something():
    with pytest.raises(CheckFailed, match=r"perfect predictions.*got 0.0010005"):
        check_binary_cross_entropy(lambda A, Y: correct_bce(A, Y, eps=1e-3))


def test_bce_check_fails_the_seed_articles_log_13_minus_a():
    def seed_typo(A, Y):
        A = np.clip(A, 1e-12, 1 - 1e-12)
        return -np.sum(Y * np.log(A) + (1 - Y) * np.log(13 - A)) / A.shape[0]

    with pytest.raises(CheckFailed, match=r"a = 0.5 for 4 examples.*expected 0.693147"):
        check_binary_cross_entropy(seed_typo)


def test_bce_check_fails_a_mean_over_all_entries_instead_of_rows():
    def mean_over_entries(A, Y):
        return correct_bce(A, Y) * A.shape[0] / A.size

    with pytest.raises(CheckFailed, match="divide by m = 5 rows"):
        check_binary_cross_entropy(mean_over_entries)


def test_bce_check_fails_a_missing_minus_sign():
    with pytest.raises(CheckFailed, match=r"expected 0.693147, got -0.693147"):
        check_binary_cross_entropy(lambda A, Y: -correct_bce(A, Y))


def test_bce_check_reports_per_example_costs_instead_of_their_mean():
    def per_example(A, Y):
        A = np.clip(A, 1e-12, 1 - 1e-12)
        return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1)

    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(4,\)"):
        check_binary_cross_entropy(per_example)


def test_cce_check_passes_a_version_that_picks_the_true_class(capsys):
    def pick(A, Y):
        p = np.clip(A[np.arange(len(A)), Y.argmax(axis=1)], 1e-12, 1)
        return -np.mean(np.log(p))

    check_categorical_cross_entropy(pick)
    assert "passed" in capsys.readouterr().out


def test_cce_check_fails_zero_times_log_zero():
    def naive(A, Y):
        return -np.sum(Y * np.log(A)) / A.shape[0]

    with pytest.raises(CheckFailed, match=r"0 \* log 0 must count as 0.*NaN or infinity"):
        check_categorical_cross_entropy(naive)


def test_cce_check_fails_a_mean_over_all_entries():
    def mean_over_entries(A, Y):
        return -np.mean(Y * np.log(np.clip(A, 1e-12, 1)))

    with pytest.raises(CheckFailed, match=r"log 10.*expected 2.30259, got 0.230259"):
        check_categorical_cross_entropy(mean_over_entries)


def test_cce_check_fails_the_binary_formula():
    with pytest.raises(CheckFailed, match="categorical_cross_entropy: on uniform predictions"):
        check_categorical_cross_entropy(correct_bce)


def test_cce_check_reports_per_example_costs_instead_of_their_mean():
    def per_example(A, Y):
        return -np.sum(Y * np.log(np.clip(A, 1e-12, 1)), axis=1)

    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(3,\)"):
        check_categorical_cross_entropy(per_example)
