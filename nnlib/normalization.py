r"""Batch normalization (lesson 12): keep every layer's input on the same scale while training.

For a batch ``Z`` of shape ``(m, n)`` (rows are examples, one column per unit), training mode
normalizes each column with the batch's own mean and variance, then lets the network rescale
and shift it with learned ``gamma`` ($\gamma$) and ``beta`` ($\beta$), both ``(n,)``:

$$\bar z = \frac{1}{m} \sum_{i} Z_{i,:}, \qquad
\mathrm{Var}[z] = \frac{1}{m} \sum_{i} (Z_{i,:} - \bar z)^2, \qquad
\hat Z = \frac{Z - \bar z}{\sqrt{\mathrm{Var}[z] + \varepsilon}}, \qquad
\mathrm{out} = \gamma \odot \hat Z + \beta .$$

Evaluation mode uses running averages of $\bar z$ and $\mathrm{Var}[z]$ kept during training
(momentum $\mu$: $\bar z_\text{run} \leftarrow \mu\, \bar z_\text{run} + (1 - \mu)\, \bar z$),
so that one example's answer does not depend on the others in its batch.

The backward pass of training mode, with $d\hat Z = d\mathrm{out} \odot \gamma$:

$$dZ = \frac{1}{m \sqrt{\mathrm{Var}[z] + \varepsilon}}
\Big(m\, d\hat Z - \sum_i d\hat Z_{i,:}
- \hat Z \odot \sum_i \big(d\hat Z \odot \hat Z\big)_{i,:}\Big),$$

$$d\gamma = \sum_i (d\mathrm{out} \odot \hat Z)_{i,:}, \qquad d\beta = \sum_i d\mathrm{out}_{i,:}$$

A forward/backward pair in the style of CS231n's ``layers.py``:
``batchnorm_forward(...) -> (out, cache)`` and ``batchnorm_backward(dout, cache)``.
"""

import numpy as np

from ._validation import as_float_array, check_batch, check_positive

MODES = ("train", "eval")
EPSILON = 1e-5


def new_running_stats(n, dtype=np.float32):
    """Running statistics to start training with: ``{"mean": zeros (n,), "var": ones (n,)}``."""
    check_positive(n, "n", integer=True)
    return {"mean": np.zeros(n, dtype=dtype), "var": np.ones(n, dtype=dtype)}


def _check_inputs(Z, gamma, beta, mode, running, momentum, eps):
    """``Z``, ``gamma``, ``beta`` as checked floating arrays; raises on anything else."""
    Z = check_batch(Z, "Z")
    n = Z.shape[1]
    arrays = []
    for name, value in (("gamma", gamma), ("beta", beta)):
        array = as_float_array(value, name)
        if array.shape != (n,):
            raise ValueError(f"{name} must have one entry per column of Z, shape ({n},); "
                             f"got {array.shape}.")
        arrays.append(array)
    if mode not in MODES:
        raise ValueError(f"mode must be 'train' or 'eval', got {mode!r}.")
    if mode == "train" and Z.shape[0] < 2:
        raise ValueError(f"batch normalization in training mode needs at least 2 examples "
                         f"per batch (it divides by their spread); got Z of shape {Z.shape}. "
                         f"Use mode='eval' with running statistics for a single example.")
    if running is not None:
        if not isinstance(running, dict) or set(running) != {"mean", "var"}:
            raise TypeError("running must be a dict {'mean': (n,), 'var': (n,)} such as "
                            f"new_running_stats({n}) gives, got {running!r}.")
        for key in ("mean", "var"):
            if np.shape(running[key]) != (n,):
                raise ValueError(f"running[{key!r}] must have shape ({n},), got "
                                 f"{np.shape(running[key])}.")
    elif mode == "eval":
        raise ValueError("mode='eval' needs the running statistics kept during training: "
                         "pass running=... (see new_running_stats).")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}.")
    check_positive(eps, "eps")
    return Z, arrays[0], arrays[1]


def batchnorm_forward(Z, gamma, beta, running=None, mode="train", momentum=0.9, eps=EPSILON):
    r"""Batch normalization of ``Z`` ``(m, n)``: $\gamma \odot \hat Z + \beta$.

    gamma, beta: ``(n,)``, the learned scale and shift.
    running: ``{"mean": (n,), "var": (n,)}`` (see :func:`new_running_stats`) or ``None``.
    In ``mode="train"`` the batch's mean and variance normalize ``Z`` and, if ``running`` is
    given, its entries are updated in place:
    $\bar z_\text{run} \leftarrow \mu\, \bar z_\text{run} + (1 - \mu)\, \bar z$ (the same for
    the variance), with $\mu$ = ``momentum``. In ``mode="eval"`` the running statistics
    normalize ``Z`` and nothing changes. eps: $\varepsilon$, which keeps the division finite
    for a column with no spread.

    Returns ``(out, cache)``: ``out`` ``(m, n)`` in the dtype of ``Z`` (float32 unless
    float64 is given) and the cache for :func:`batchnorm_backward`.
    Raises ``ValueError``/``TypeError`` for a ``Z`` that is not a 2-D finite batch, ``gamma``
    or ``beta`` not ``(n,)``, an unknown mode, fewer than 2 examples in training mode,
    evaluation without running statistics, or a momentum outside $[0, 1)$.
    """
    Z, gamma, beta = _check_inputs(Z, gamma, beta, mode, running, momentum, eps)
    dtype = np.result_type(Z, gamma, beta)
    if mode == "train":
        mean = Z.mean(axis=0)
        var = Z.var(axis=0)
        if running is not None:
            for key, value in (("mean", mean), ("var", var)):
                running[key] *= momentum
                running[key] += (1 - momentum) * value
    else:
        mean, var = running["mean"], running["var"]
    inv_std = (1.0 / np.sqrt(var + eps)).astype(dtype, copy=False)
    Z_hat = ((Z - mean) * inv_std).astype(dtype, copy=False)
    out = gamma * Z_hat + beta
    return out, (Z_hat, gamma, inv_std, mode)


def batchnorm_backward(dout, cache):
    r"""Gradients of batch normalization from ``dout`` $= \partial J / \partial\,\mathrm{out}$.

    Training mode (the batch statistics depend on every row of ``Z``):
    $dZ = \frac{1}{m} \frac{1}{\sqrt{\mathrm{Var}[z] + \varepsilon}} \big(m\, d\hat Z -
    \sum_i d\hat Z - \hat Z \odot \sum_i d\hat Z \odot \hat Z\big)$ with
    $d\hat Z = d\mathrm{out} \odot \gamma$. Evaluation mode (fixed statistics):
    $dZ = d\hat Z / \sqrt{\mathrm{Var}_\text{run} + \varepsilon}$.

    dout: ``(m, n)``; cache: from :func:`batchnorm_forward`.
    Returns ``(dZ, dgamma, dbeta)`` shaped ``(m, n)``, ``(n,)``, ``(n,)``.
    Raises ``ValueError`` if ``dout`` is not shaped like the forward output.
    """
    Z_hat, gamma, inv_std, mode = cache
    if np.shape(dout) != Z_hat.shape:
        raise ValueError(f"dout must have the shape of the forward output {Z_hat.shape}, "
                         f"got {np.shape(dout)}.")
    dout = as_float_array(dout, "dout")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * Z_hat).sum(axis=0)
    dZ_hat = dout * gamma
    if mode == "eval":
        return dZ_hat * inv_std, dgamma, dbeta
    m = Z_hat.shape[0]
    dZ = (inv_std / m) * (m * dZ_hat - dZ_hat.sum(axis=0)
                          - Z_hat * (dZ_hat * Z_hat).sum(axis=0))
    return dZ, dgamma, dbeta
