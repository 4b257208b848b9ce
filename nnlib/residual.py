r"""Residual blocks (lesson 12): a layer that learns a change to its input, not a replacement.

A residual block adds a small two-layer branch to the identity:

$$R = \mathrm{relu}(A W_1 + b_1), \qquad \mathrm{out} = A + R\, W_2 + b_2 .$$

``A`` is ``(m, n)``; ``W1`` ``(n, k)``, ``b1`` ``(k,)``, ``W2`` ``(k, n)``, ``b2`` ``(n,)``, so
the output has the shape of the input and blocks can be stacked. Backwards, the gradient
reaches ``A`` along two paths and the two add up:

$$dA = d\mathrm{out} + dZ_1 W_1^\top, \qquad dZ_1 = (d\mathrm{out}\, W_2^\top) \odot
[A W_1 + b_1 > 0],$$

$$dW_2 = R^\top d\mathrm{out}, \quad db_2 = \textstyle\sum_i d\mathrm{out}_{i,:}, \qquad
dW_1 = A^\top dZ_1, \quad db_1 = \textstyle\sum_i dZ_{1\,i,:}.$$

The first term of $dA$ is the identity's: however small the branch's gradient, a stack of
blocks passes ``dout`` down unchanged, which is why very deep stacks still train (He et al.,
2016). With ``gamma`` and ``beta`` given, the branch normalizes its hidden layer,
$R = \mathrm{relu}(\mathrm{BN}(A W_1 + b_1))$ (:mod:`nnlib.normalization`), and its backward
pass goes through :func:`~nnlib.normalization.batchnorm_backward`. A forward/backward pair in
the style of CS231n's ``layers.py``.
"""

import numpy as np

from ._validation import as_float_array, check_batch
from .normalization import batchnorm_backward, batchnorm_forward


def _check_block(A, W1, b1, W2, b2):
    """The five arrays as floating arrays after checking that their shapes fit together."""
    A = check_batch(A, "A")
    n = A.shape[1]
    W1 = as_float_array(W1, "W1")
    if W1.ndim != 2 or W1.shape[0] != n:
        raise ValueError(f"W1 must have shape ({n}, k) for A with {n} columns, got "
                         f"{W1.shape}.")
    k = W1.shape[1]
    expected = {"b1": (k,), "W2": (k, n), "b2": (n,)}
    arrays = {}
    for name, value in (("b1", b1), ("W2", W2), ("b2", b2)):
        arrays[name] = as_float_array(value, name)
        if arrays[name].shape != expected[name]:
            hint = (" The branch must end with as many units as A has columns, so that it "
                    "can be added to A.") if name != "b1" else ""
            raise ValueError(f"{name} must have shape {expected[name]} for A {A.shape} and "
                             f"W1 {W1.shape}, got {arrays[name].shape}.{hint}")
    return A, W1, arrays["b1"], arrays["W2"], arrays["b2"]


def residual_forward(A, W1, b1, W2, b2, gamma=None, beta=None, running=None, mode="train"):
    r"""A residual block: $\mathrm{out} = A + \mathrm{relu}(A W_1 + b_1) W_2 + b_2$.

    A: ``(m, n)``; W1: ``(n, k)``; b1: ``(k,)``; W2: ``(k, n)``; b2: ``(n,)``.
    gamma, beta: ``(k,)`` or ``None``; if given, the branch's hidden layer is batch-normalized
    before the ReLU, with ``running`` and ``mode`` as in
    :func:`~nnlib.normalization.batchnorm_forward`.
    Returns ``(out, cache)``: ``out`` ``(m, n)`` and the cache for :func:`residual_backward`.
    Raises ``ValueError`` for shapes that do not fit together (the branch must end with ``n``
    units), ``TypeError`` for arrays that are not numbers.
    """
    A, W1, b1, W2, b2 = _check_block(A, W1, b1, W2, b2)
    Z1 = A @ W1 + b1
    bn_cache = None
    if gamma is not None or beta is not None:
        Z1, bn_cache = batchnorm_forward(Z1, gamma, beta, running, mode)
    R = np.maximum(Z1, 0)
    out = A + R @ W2 + b2
    return out, (A, Z1, R, W1, W2, bn_cache)


def residual_backward(dout, cache):
    r"""Gradients of a residual block from ``dout`` $= \partial J / \partial\,\mathrm{out}$.

    dout: ``(m, n)``; cache: from :func:`residual_forward`.
    Returns ``(dA, dW1, db1, dW2, db2)`` shaped like ``A``, ``W1``, ``b1``, ``W2``, ``b2``;
    $dA = d\mathrm{out} + dZ_1 W_1^\top$ holds the identity's share and the branch's. A block
    with batch normalization returns ``(dA, dW1, db1, dW2, db2, dgamma, dbeta)``.
    Raises ``ValueError`` if ``dout`` is not shaped like the block's output.
    """
    A, Z1, R, W1, W2, bn_cache = cache
    if np.shape(dout) != A.shape:
        raise ValueError(f"dout must have the shape of the block's output {A.shape}, got "
                         f"{np.shape(dout)}.")
    dout = as_float_array(dout, "dout")
    dW2 = R.T @ dout
    db2 = dout.sum(axis=0)
    dZ1 = (dout @ W2.T) * (Z1 > 0)
    bn_grads = ()
    if bn_cache is not None:
        dZ1, dgamma, dbeta = batchnorm_backward(dZ1, bn_cache)
        bn_grads = (dgamma, dbeta)
    dW1 = A.T @ dZ1
    db1 = dZ1.sum(axis=0)
    dA = dout + dZ1 @ W1.T
    return (dA, dW1, db1, dW2, db2, *bn_grads)
