r"""Regularization: weight penalties and dropout (lesson 08).

- L2 ("weight decay"): add $\frac{\lambda_2}{2} \sum_l \lVert W_l \rVert^2$ to the cost, so
  $\partial J / \partial W_l$ gains $\lambda_2 W_l$.
- L1: add $\lambda_1 \sum_l \sum |W_l|$, so $\partial J / \partial W_l$ gains
  $\lambda_1 \operatorname{sign}(W_l)$.
- Inverted dropout: during training each hidden unit is kept with probability $1 - p$ and
  the kept ones are scaled by $1 / (1 - p)$, so the expected activation is unchanged and
  evaluation needs no correction. Biases are never penalized.
"""

import numpy as np


def weight_penalty(parameters, l2=0.0, l1=0.0):
    r"""$\frac{\lambda_2}{2} \sum_l \lVert W_l \rVert^2 + \lambda_1 \sum_l |W_l|$ as a float,
    over the weights ``W{l}`` of a parameter dict (biases are not penalized)."""
    return penalty([W for key, W in parameters.items() if key.startswith("W")], l2, l1)


def penalty(weights, l2=0.0, l1=0.0):
    r"""The same penalty over any arrays ``weights`` (e.g. a network's weights and filters)."""
    total = 0.0
    for W in weights:
        if l2:
            total += 0.5 * l2 * float(np.vdot(W, W))
        if l1:
            total += l1 * float(np.abs(W).sum())
    return total


def add_penalty_gradient(dW, W, l2=0.0, l1=0.0):
    r"""Add the penalty's gradient to ``dW`` in place: $dW \mathrel{+}= \lambda_2 W +
    \lambda_1 \operatorname{sign}(W)$. ``dW``, ``W``: ``(n_{l-1}, n_l)``."""
    if l2:
        dW += W.dtype.type(l2) * W
    if l1:
        dW += W.dtype.type(l1) * np.sign(W)
    return dW


def dropout_mask(shape, rate, rng, dtype=np.float32):
    r"""A mask for inverted dropout: $1 / (1 - p)$ with probability $1 - p$, else $0$.

    ``rate``: the drop probability $p$ in $[0, 1)$. ``rng``: a ``numpy.random.Generator``.
    Returns an array of ``shape`` and ``dtype``.
    """
    keep = 1.0 - rate
    mask = rng.random(shape, dtype=np.dtype(dtype).type) < keep
    return mask.astype(dtype) * np.dtype(dtype).type(1.0 / keep)
