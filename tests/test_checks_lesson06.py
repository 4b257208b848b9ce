"""Lesson 06 exercise checks: each typical wrong answer fails with a message that says what to
look at, and each right answer written another way passes. he_init's weights are random, so its
check is statistical. What every check must do (pass the lesson's solution with and without
hidden cases, report a stub, a missing return, a warning, a non-function, a hard-coded answer;
nnlib's fallback passes) is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson06 import check_he_init, check_init_std


def correct_he_init(n_in, n_out, rng):
    W = (rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32)
    return W, np.zeros(n_out, dtype=np.float32)


def test_init_std_check_fails_xavier_with_the_sizes_multiplied():
    def product(method, n_in, n_out):
        return {"zeros": 0.0, "small": 0.01, "xavier": np.sqrt(2 / (n_in * n_out)),
                "he": np.sqrt(2 / n_in)}[method]

    with pytest.raises(CheckFailed, match=r"init_std\('xavier', 784, 128\) \(uses both"):
        check_init_std(product)


def test_init_std_check_fails_he_with_n_out():
    def he_out(method, n_in, n_out):
        return {"zeros": 0.0, "small": 0.01, "xavier": np.sqrt(2 / (n_in + n_out)),
                "he": np.sqrt(2 / n_out)}[method]

    with pytest.raises(CheckFailed, match=r"init_std\('he', 784, 128\) \(uses n_in only\)"):
        check_init_std(he_out)


def test_he_init_check_fails_a_nonzero_mean(capsys):
    def shifted(n_in, n_out, rng):
        W, b = correct_he_init(n_in, n_out, rng)
        return W + np.float32(0.1 * np.sqrt(2 / n_in)), b

    with pytest.raises(CheckFailed, match="mean of W divided by its standard deviation"):
        check_he_init(shifted)

def test_he_init_check_passes_rng_normal_with_a_scale(capsys):
    def with_normal(n_in, n_out, rng):
        W = rng.normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_out)).astype(np.float32)
        return W, np.zeros(n_out, dtype=np.float32)

    check_he_init(with_normal)
    assert "passed" in capsys.readouterr().out


def test_he_init_check_fails_xavier_scaling():
    def xavier(n_in, n_out, rng):
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(2 / (n_in + n_out))
        return W.astype(np.float32), np.zeros(n_out, dtype=np.float32)

    with pytest.raises(CheckFailed, match="standard deviation of W.*expected 0.0447"):
        check_he_init(xavier)


def test_he_init_check_fails_the_small_0_01_scaling():
    def small(n_in, n_out, rng):
        W = rng.standard_normal((n_in, n_out)) * 0.01
        return W.astype(np.float32), np.zeros(n_out, dtype=np.float32)

    with pytest.raises(CheckFailed, match="standard deviation"):
        check_he_init(small)


def test_he_init_check_fails_float64_weights():
    def float64(n_in, n_out, rng):
        return rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in), np.zeros(n_out)

    with pytest.raises(CheckFailed, match="float32 .*expected 1, got 0"):
        check_he_init(float64)


def test_he_init_check_fails_a_random_bias():
    def random_bias(n_in, n_out, rng):
        W, _ = correct_he_init(n_in, n_out, rng)
        return W, rng.standard_normal(n_out).astype(np.float32)

    with pytest.raises(CheckFailed, match="b all zeros"):
        check_he_init(random_bias)


def test_he_init_check_fails_when_the_given_rng_is_ignored():
    def fresh_entropy(n_in, n_out, rng):
        return correct_he_init(n_in, n_out, np.random.default_rng())

    with pytest.raises(CheckFailed, match="same seed"):
        check_he_init(fresh_entropy)


def test_he_init_check_reports_transposed_weights():
    def transposed(n_in, n_out, rng):
        W, b = correct_he_init(n_in, n_out, rng)
        return W.T, b

    with pytest.raises(CheckFailed, match=r"W.shape .*at index \(0,\) expected 3, got 5"):
        check_he_init(transposed)


def test_he_init_check_reports_w_alone_instead_of_the_pair():
    message = r"got str 'array of shape \(3, 5\).* instead of \(W, b\)'"
    with pytest.raises(CheckFailed, match=message):
        check_he_init(lambda n_in, n_out, rng: correct_he_init(n_in, n_out, rng)[0])


def test_he_init_check_reports_a_bias_of_the_wrong_shape():
    def column_bias(n_in, n_out, rng):
        W, b = correct_he_init(n_in, n_out, rng)
        return W, b.reshape(1, -1)

    with pytest.raises(CheckFailed, match=r"b.shape \(should be \(5,\)\)"):
        check_he_init(column_bias)
