r"""Cost functions and their gradients (lesson 04).

``A`` holds the network's predictions and ``Y`` the targets, both ``(m, n_out)`` with rows as
examples. ``Y`` may also be given as integer class labels of shape ``(m,)`` (turned into one-hot
rows), or, for a single output unit, as a 0/1 vector of shape ``(m,)``.
Every cost averages over the $m$ examples and returns a Python float.

- Mean squared error: $J = \frac{1}{2m} \sum_i \lVert a_i - y_i \rVert^2$
- Binary cross-entropy: $J = -\frac{1}{m} \sum_i \sum_k \big[y_{ik} \log a_{ik} +
  (1 - y_{ik}) \log(1 - a_{ik})\big]$
- Categorical cross-entropy: $J = -\frac{1}{m} \sum_i \sum_k y_{ik} \log a_{ik}$
- Softmax cross-entropy from logits $Z$: $J = -\frac{1}{m} \sum_i \sum_k y_{ik}
  \big(z_{ik} - \log \sum_j e^{z_{ij}}\big)$, with the log-sum-exp computed stably.
- Sigmoid cross-entropy from logits $Z$: $J = \frac{1}{m} \sum_i \sum_k \big[\max(z_{ik}, 0)
  - z_{ik} y_{ik} + \log(1 + e^{-|z_{ik}|})\big]$, binary cross-entropy of $\sigma(Z)$.

The costs of probabilities never take the log of 0: predictions are clipped to
$[\epsilon, 1 - \epsilon]$ with $\epsilon$ the machine epsilon of their dtype, so predictions of
exactly 0 and 1 give finite costs. Clipping caps the cost of a confident mistake (about 15.9 in
float32), so a network computes its cost from the logits instead (:func:`data_cost`).
"""

from collections import namedtuple

import numpy as np

from ._validation import as_float_array, check_choice, check_finite, check_positive


def one_hot(y, n_classes=10, dtype=np.float32, name="y"):
    r"""One-hot rows ``(m, n_classes)`` from integer labels ``y`` ``(m,)``.

    $Y_{ik} = 1$ if $y_i = k$ else $0$. ``name`` is the argument's name in error messages.
    Raises ``ValueError`` for labels outside ``0..n_classes-1``, labels that are not
    integers, or ``y`` that is not 1-D.
    """
    check_positive(n_classes, "n_classes", integer=True)
    y = np.asarray(y)
    if y.ndim != 1:
        hint = (f" It looks one-hot already; {name}.argmax(axis=1) gives the labels."
                if y.ndim == 2 else "")
        raise ValueError(
            f"{name} must be 1-D integer labels of shape (m,), got shape {y.shape}.{hint}")
    integral = np.issubdtype(y.dtype, np.integer) or (
        np.issubdtype(y.dtype, np.floating) and np.all(np.isfinite(y)) and np.all(y == np.round(y))
    )
    if y.dtype == bool or not integral:
        raise ValueError(
            f"{name} must hold integer class labels 0..{n_classes - 1}, got dtype {y.dtype}"
            f"{' with non-integer values' if y.dtype.kind == 'f' else ''}."
        )
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        bad = y[(y < 0) | (y >= n_classes)]
        raise ValueError(
            f"{name} must hold labels in 0..{n_classes - 1} ({n_classes} classes), got "
            f"{bad.size} outside it, e.g. {bad[0]}."
        )
    Y = np.zeros((y.shape[0], n_classes), dtype=dtype)
    Y[np.arange(y.shape[0]), y.astype(np.intp)] = 1
    return Y


def prepare_targets(Y, A, name="Y"):
    """Return ``Y`` as a float array with the shape of the predictions ``A`` ``(m, n_out)``.

    Accepts one-hot rows ``(m, n_out)``; integer labels ``(m,)`` in ``0..n_out-1`` when
    ``n_out > 1``; 0/1 targets ``(m,)`` or ``(m, 1)`` when ``n_out == 1``.
    Raises ``ValueError`` for a wrong shape or labels out of range.
    """
    m, n_out = A.shape
    Y = np.asarray(Y)
    if Y.ndim == 1 and n_out > 1:
        if Y.shape[0] != m:
            raise ValueError(f"{name} has {Y.shape[0]} labels but there are {m} examples.")
        return one_hot(Y, n_out, dtype=A.dtype, name=name)
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    if Y.shape != A.shape:
        raise ValueError(
            f"{name} must have the shape of the predictions {A.shape} (one row per example), "
            f"or be integer labels of shape ({m},); got {Y.shape}."
        )
    Y = as_float_array(Y, name).astype(A.dtype, copy=False)
    check_finite(Y, name)
    return Y


def _clip(A):
    eps = np.finfo(A.dtype).eps
    return np.clip(A, eps, 1 - eps)


def mse(A, Y):
    r"""$J = \frac{1}{2m} \sum_i \lVert a_i - y_i \rVert^2$."""
    D = A - Y
    return float(np.sum(D * D) / (2 * A.shape[0]))


def mse_gradient(A, Y):
    r"""$\partial J / \partial A = (A - Y) / m$. Returns ``(m, n_out)``."""
    return (A - Y) / A.shape[0]


def binary_cross_entropy(A, Y):
    r"""$J = -\frac{1}{m} \sum \big[y \log a + (1 - y) \log(1 - a)\big]$, ``A`` clipped."""
    A = _clip(A)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log1p(-A)) / A.shape[0])


def binary_cross_entropy_gradient(A, Y):
    r"""$\partial J / \partial A = \frac{1}{m} \frac{a - y}{a (1 - a)}$, ``A`` clipped."""
    A = _clip(A)
    return (A - Y) / (A * (1 - A)) / A.shape[0]


def categorical_cross_entropy(A, Y):
    r"""$J = -\frac{1}{m} \sum_i \sum_k y_{ik} \log a_{ik}$, ``A`` clipped."""
    return float(-np.sum(Y * np.log(_clip(A))) / A.shape[0])


def categorical_cross_entropy_gradient(A, Y):
    r"""$\partial J / \partial A = -\frac{1}{m} \frac{Y}{A}$, ``A`` clipped."""
    return -Y / _clip(A) / A.shape[0]


def log_softmax(Z):
    r"""Row-wise $\log \mathrm{softmax}(z)_k = z_k - \max z - \log \sum_j e^{z_j - \max z}$.

    ``Z``: ``(m, n)``, or ``(n,)`` for one row (the last axis, as in
    :func:`~nnlib.activations.softmax`). Returns an array of the same shape.
    """
    Z = Z - Z.max(axis=-1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=-1, keepdims=True))


def softmax_cross_entropy(Z, Y):
    r"""Categorical cross-entropy of ``softmax(Z)`` computed from the logits ``Z`` ``(m, n)``.

    Working with $\log \mathrm{softmax}$ directly never takes the log of 0, so the cost is
    exact even when a probability underflows.
    """
    return float(-np.sum(Y * log_softmax(Z)) / Z.shape[0])


def softmax_cross_entropy_gradient(Z, Y):
    r"""$\partial J / \partial Z = (\mathrm{softmax}(Z) - Y) / m$: the fused shortcut."""
    return (np.exp(log_softmax(Z)) - Y) / Z.shape[0]


def sigmoid_cross_entropy(Z, Y):
    r"""Binary cross-entropy of $\sigma(Z)$ computed from the logits ``Z`` ``(m, n)``.

    $-[y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))] = \max(z, 0) - z y + \log(1 + e^{-|z|})$:
    the exponent is never positive, so nothing overflows, and a confident mistake costs its
    full $|z|$ instead of the clipped $-\log \epsilon$.
    """
    return float(np.sum(np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))) / Z.shape[0])


LOGIT_COSTS = {("softmax", "categorical_cross_entropy"): softmax_cross_entropy,
               ("sigmoid", "binary_cross_entropy"): sigmoid_cross_entropy}


def data_cost(Z, A, Y, output_activation, cost):
    """The data cost of a batch: from the logits ``Z`` for softmax with categorical and sigmoid
    with binary cross-entropy (exact even where a probability rounds to 0 or 1), else the
    cost function of the outputs ``A``. ``Z``, ``A``, ``Y``: ``(m, n_out)``; a float."""
    from_logits = LOGIT_COSTS.get((output_activation, cost))
    if from_logits is not None:
        return from_logits(Z, Y)
    return get_cost(cost).function(A, Y)


Cost = namedtuple("Cost", ["name", "function", "gradient"])

COSTS = {
    "mse": Cost("mse", mse, mse_gradient),
    "binary_cross_entropy": Cost(
        "binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_gradient
    ),
    "categorical_cross_entropy": Cost(
        "categorical_cross_entropy", categorical_cross_entropy, categorical_cross_entropy_gradient
    ),
}
ALIASES = {"bce": "binary_cross_entropy", "cce": "categorical_cross_entropy",
           "cross_entropy": "categorical_cross_entropy"}


def get_cost(name):
    """Look a cost up by name (or alias ``bce``, ``cce``): returns ``Cost(name, function,
    gradient)``."""
    name = ALIASES.get(name, name)
    return COSTS[check_choice(name, "cost", {**COSTS, **ALIASES})]


def default_cost(n_out):
    """Binary cross-entropy for one output unit, categorical cross-entropy for several."""
    return "binary_cross_entropy" if n_out == 1 else "categorical_cross_entropy"


def compute_cost(output, Y, cost=None):
    r"""The cost of predictions ``output`` ``(m, n_out)`` against targets ``Y``; a float.

    ``cost``: ``"mse"``, ``"binary_cross_entropy"`` or ``"categorical_cross_entropy"``;
    by default binary cross-entropy for one output unit and categorical for several.
    ``Y``: one-hot ``(m, n_out)``, labels ``(m,)``, or 0/1 of shape ``(m,)``/``(m, 1)``.

    Raises ``ValueError`` for mismatched shapes, labels out of range, NaN, or an unknown cost.
    """
    A = as_float_array(output, "output")
    if A.ndim != 2 or A.shape[0] == 0:
        raise ValueError(
            f"output must be 2-D with shape (m, n_out) and m >= 1, got shape {A.shape}."
        )
    check_finite(A, "output")
    cost = get_cost(default_cost(A.shape[1]) if cost is None else cost)
    return cost.function(A, prepare_targets(Y, A))
