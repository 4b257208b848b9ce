"""Batch normalization: both modes, running statistics, gradients against finite differences."""

import numpy as np
import pytest

from nnlib.gradient_check import numerical_gradient, relative_error
from nnlib.normalization import batchnorm_backward, batchnorm_forward, new_running_stats


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def bn_arrays(rng, m=6, n=4):
    """``Z, gamma, beta`` in float64, columns on different scales and offsets."""
    Z = rng.standard_normal((m, n)) * np.array([1.0, 5.0, 0.1, 2.0])[:n] + 3.0
    return Z, 1.0 + 0.5 * rng.standard_normal(n), rng.standard_normal(n)


def test_training_mode_gives_columns_of_mean_beta_and_std_gamma(rng):
    Z, gamma, beta = bn_arrays(rng)
    out, _ = batchnorm_forward(Z, gamma, beta, eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), np.abs(gamma), rtol=1e-5)


def test_training_mode_updates_the_running_statistics_in_place(rng):
    Z, gamma, beta = bn_arrays(rng)
    running = new_running_stats(4, dtype=np.float64)
    batchnorm_forward(Z, gamma, beta, running, momentum=0.75)
    np.testing.assert_allclose(running["mean"], 0.25 * Z.mean(axis=0))
    np.testing.assert_allclose(running["var"], 0.75 + 0.25 * Z.var(axis=0))


def test_eval_mode_uses_the_running_statistics_and_changes_nothing(rng):
    Z, gamma, beta = bn_arrays(rng)
    running = {"mean": np.array([1.0, 2.0, 3.0, 4.0]), "var": np.array([4.0, 1.0, 0.25, 9.0])}
    out, _ = batchnorm_forward(Z[:1], gamma, beta, running, mode="eval", eps=0.0 + 1e-12)
    expected = gamma * (Z[:1] - running["mean"]) / np.sqrt(running["var"]) + beta
    np.testing.assert_allclose(out, expected, rtol=1e-9)
    assert running["mean"].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_eval_mode_answers_each_example_independently_of_its_batch(rng):
    Z, gamma, beta = bn_arrays(rng)
    running = new_running_stats(4, dtype=np.float64)
    whole, _ = batchnorm_forward(Z, gamma, beta, running, mode="eval")
    alone, _ = batchnorm_forward(Z[2:3], gamma, beta, running, mode="eval")
    np.testing.assert_allclose(whole[2:3], alone)


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_batchnorm_backward_matches_finite_differences(rng, mode):
    Z, gamma, beta = bn_arrays(rng)
    running = {"mean": rng.standard_normal(4), "var": rng.random(4) + 0.5}
    R = rng.standard_normal(Z.shape)  # J = sum(out * R), so dJ/dout = R
    out, cache = batchnorm_forward(Z, gamma, beta, running if mode == "eval" else None, mode)

    def J():
        return float(np.sum(batchnorm_forward(Z, gamma, beta, running if mode == "eval"
                                              else None, mode)[0] * R))

    for name, analytic, array in zip(("dZ", "dgamma", "dbeta"), batchnorm_backward(R, cache),
                                     (Z, gamma, beta)):
        assert relative_error(analytic, numerical_gradient(J, array)) < 1e-7, name


def test_float32_in_float32_out_and_float64_kept(rng):
    Z, gamma, beta = bn_arrays(rng)
    out32, cache = batchnorm_forward(Z.astype(np.float32), gamma.astype(np.float32),
                                     beta.astype(np.float32))
    assert out32.dtype == np.float32
    assert all(g.dtype == np.float32 for g in batchnorm_backward(np.ones_like(out32), cache))
    assert batchnorm_forward(Z, gamma, beta)[0].dtype == np.float64


def test_a_constant_column_gives_beta_not_nan(rng):
    Z = np.ones((5, 2), dtype=np.float32)
    out, _ = batchnorm_forward(Z, np.ones(2), np.array([0.5, -0.5]))
    np.testing.assert_allclose(out, np.tile([0.5, -0.5], (5, 1)))


def test_new_running_stats_are_float32_zeros_and_ones():
    running = new_running_stats(3)
    assert running["mean"].dtype == np.float32 and running["mean"].tolist() == [0, 0, 0]
    assert running["var"].tolist() == [1, 1, 1]


def test_bad_inputs_say_what_was_expected(rng):
    Z, gamma, beta = bn_arrays(rng)
    with pytest.raises(ValueError, match=r"Z must be 2-D with shape \(m, n_features\)"):
        batchnorm_forward(Z[0], gamma, beta)
    with pytest.raises(ValueError, match=r"gamma must have one entry per column of Z"):
        batchnorm_forward(Z, gamma[:3], beta)
    with pytest.raises(ValueError, match="mode must be 'train' or 'eval', got 'test'"):
        batchnorm_forward(Z, gamma, beta, mode="test")
    with pytest.raises(ValueError, match="at least 2 examples"):
        batchnorm_forward(Z[:1], gamma, beta)
    with pytest.raises(ValueError, match="mode='eval' needs the running statistics"):
        batchnorm_forward(Z, gamma, beta, mode="eval")
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        batchnorm_forward(Z, gamma, beta, momentum=1.0)
    with pytest.raises(TypeError, match="running must be a dict"):
        batchnorm_forward(Z, gamma, beta, running=[0, 1])
    _, cache = batchnorm_forward(Z, gamma, beta)
    with pytest.raises(ValueError, match=r"dout must have the shape of the forward output"):
        batchnorm_backward(np.ones((2, 4)), cache)
