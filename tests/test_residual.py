"""Residual blocks: the identity plus a branch, gradients against finite differences."""

import numpy as np
import pytest

from nnlib.gradient_check import numerical_gradient, relative_error
from nnlib.residual import residual_backward, residual_forward


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def block_arrays(rng, m=5, n=4, k=3):
    """``A, W1, b1, W2, b2`` in float64."""
    return (rng.standard_normal((m, n)), rng.standard_normal((n, k)), rng.standard_normal(k),
            rng.standard_normal((k, n)), rng.standard_normal(n))


def test_a_block_adds_the_branch_to_its_input(rng):
    A, W1, b1, W2, b2 = block_arrays(rng)
    out, _ = residual_forward(A, W1, b1, W2, b2)
    np.testing.assert_allclose(out, A + np.maximum(A @ W1 + b1, 0) @ W2 + b2, rtol=1e-12)


def test_a_block_with_a_zero_branch_is_the_identity(rng):
    A, W1, b1, W2, b2 = block_arrays(rng)
    out, cache = residual_forward(A, W1, b1, np.zeros_like(W2), np.zeros_like(b2))
    np.testing.assert_array_equal(out, A)
    dout = rng.standard_normal(A.shape)
    np.testing.assert_array_equal(residual_backward(dout, cache)[0], dout)


def test_residual_backward_matches_finite_differences(rng):
    arrays = block_arrays(rng)
    R = rng.standard_normal((5, 4))
    _, cache = residual_forward(*arrays)

    def J():
        return float(np.sum(residual_forward(*arrays)[0] * R))

    names = ("dA", "dW1", "db1", "dW2", "db2")
    for name, analytic, array in zip(names, residual_backward(R, cache), arrays):
        assert relative_error(analytic, numerical_gradient(J, array)) < 1e-7, name


def test_float32_in_float32_out(rng):
    arrays = [a.astype(np.float32) for a in block_arrays(rng)]
    out, cache = residual_forward(*arrays)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in residual_backward(np.ones_like(out), cache))


def test_shapes_that_do_not_fit_say_what_was_expected(rng):
    A, W1, b1, W2, b2 = block_arrays(rng)
    with pytest.raises(ValueError, match=r"W1 must have shape \(4, k\)"):
        residual_forward(A, W1.T, b1, W2, b2)
    with pytest.raises(ValueError, match=r"W2 must have shape \(3, 4\).*added to A"):
        residual_forward(A, W1, b1, W2[:, :2], b2)
    with pytest.raises(ValueError, match=r"A must be 2-D with shape \(m, n_features\)"):
        residual_forward(A[0], W1, b1, W2, b2)
    _, cache = residual_forward(A, W1, b1, W2, b2)
    with pytest.raises(ValueError, match="dout must have the shape of the block's output"):
        residual_backward(np.ones((5, 3)), cache)


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_a_block_with_batch_normalization_matches_finite_differences(rng, mode):
    arrays = block_arrays(rng)
    gamma, beta = 1.0 + 0.3 * rng.standard_normal(3), rng.standard_normal(3)
    running = {"mean": rng.standard_normal(3), "var": rng.random(3) + 0.5}
    R = rng.standard_normal((5, 4))
    _, cache = residual_forward(*arrays, gamma, beta, dict(running), mode)

    def J():
        return float(np.sum(residual_forward(*arrays, gamma, beta, dict(running), mode)[0] * R))

    grads = residual_backward(R, cache)
    assert len(grads) == 7
    names = ("dA", "dW1", "db1", "dW2", "db2", "dgamma", "dbeta")
    for name, analytic, array in zip(names, grads, (*arrays, gamma, beta)):
        if name == "db1" and mode == "train":  # the batch mean cancels b1 exactly
            assert np.allclose(analytic, 0, atol=1e-12)
            continue
        assert relative_error(analytic, numerical_gradient(J, array)) < 1e-7, name
