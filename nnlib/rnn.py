r"""A tiny recurrent network (beyond the MLP): one layer of memory, unrolled through time.

A sequence ``X`` has shape ``(m, T, D)``: ``m`` examples (the first axis, as everywhere in
nnlib), ``T`` time steps, ``D`` numbers per step. A vanilla RNN reads it one step at a time,
carrying a hidden state $h_t$ of ``Hdim`` numbers from each step to the next:

$$h_t = \tanh\left(x_t W_x + h_{t-1} W_h + b\right), \qquad t = 1, \dots, T$$

with $W_x$ ``(D, Hdim)``, $W_h$ ``(Hdim, Hdim)``, $b$ ``(Hdim,)`` shared by every step, and
$h_0$ given (zeros in :class:`RNNClassifier`). Backpropagation through time runs the same
chain rule backwards over the steps: with $dh_t$ the gradient reaching $h_t$ from the output
*and* from step $t + 1$,

$$dz_t = dh_t \odot (1 - h_t^2), \qquad dh_{t-1} \mathrel{+}= dz_t W_h^\top, \qquad
dW_x = \sum_t x_t^\top dz_t, \quad dW_h = \sum_t h_{t-1}^\top dz_t, \quad
db = \sum_t \textstyle\sum_i dz_t[i]$$

:class:`nnlib.rnn_classifier.RNNClassifier` puts a dense output layer on the last hidden state
$h_T$ and trains on :func:`nnlib.toy_data.make_marker_sequences`, a toy task that needs memory:
"was there a 1 anywhere in the sequence?".
"""

import numpy as np

from ._validation import as_float_array, check_finite

# ----------------------------------------------------------------------------- the layer


def _check_array(value, name, shape_text, ndim):
    """``value`` as a finite floating array with ``ndim`` dimensions."""
    array = as_float_array(value, name)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D with shape {shape_text}, "
                         f"got shape {array.shape}.")
    check_finite(array, name)
    return array


def rnn_forward(X, h0, Wx, Wh, b):
    r"""Run a vanilla RNN over whole sequences: $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$.

    X: ``(m, T, D)`` sequences; h0: ``(m, Hdim)`` initial states; Wx: ``(D, Hdim)``;
    Wh: ``(Hdim, Hdim)``; b: ``(Hdim,)``.
    Returns ``(H, cache)``: ``H`` ``(m, T, Hdim)`` holds every hidden state $h_1 \dots h_T$;
    the cache is for :func:`rnn_backward`. Raises ``ValueError`` for arrays of the wrong
    number of dimensions, shapes that do not fit together, an empty batch or NaN/inf.
    """
    X = _check_array(X, "X", "(m, T, D)", 3)
    Wx = _check_array(Wx, "Wx", "(D, Hdim)", 2)
    D, Hdim = Wx.shape
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must hold at least one sequence of at least one step, got shape "
                         f"{X.shape}.")
    if X.shape[2] != D:
        raise ValueError(f"X has {X.shape[2]} numbers per step but Wx expects {D}: X must "
                         f"have shape (m, T, {D}), got {X.shape}.")
    expected = {"h0": (X.shape[0], Hdim), "Wh": (Hdim, Hdim), "b": (Hdim,)}
    arrays = {}
    for name, value in (("h0", h0), ("Wh", Wh), ("b", b)):
        arrays[name] = as_float_array(value, name)
        if arrays[name].shape != expected[name]:
            raise ValueError(f"{name} must have shape {expected[name]} for X {X.shape} and "
                             f"Wx {Wx.shape}, got {arrays[name].shape}.")
        check_finite(arrays[name], name)
    return _rnn_forward(X, arrays["h0"], Wx, arrays["Wh"], arrays["b"])


def _rnn_forward(X, h0, Wx, Wh, b):
    """:func:`rnn_forward` without checks. The input part $x_t W_x + b$ of every step is one
    matrix product for all steps; only $h_{t-1} W_h$ has to wait for the previous step."""
    m, T, _ = X.shape
    XW = X @ Wx + b                                   # (m, T, Hdim)
    H = np.empty(XW.shape, dtype=np.result_type(XW, h0, Wh))
    h = h0
    for t in range(T):
        h = np.tanh(XW[:, t] + h @ Wh)
        H[:, t] = h
    return H, (X, h0, Wx, Wh, H)


def rnn_backward(dH, cache):
    r"""Backpropagation through time for :func:`rnn_forward`.

    dH: ``(m, T, Hdim)``, the gradient of the cost with respect to every hidden state from
    whatever sits on top (zeros except the last step when only $h_T$ is used).
    Returns ``(dX, dh0, dWx, dWh, db)`` shaped like ``X`` ``(m, T, D)``, ``h0``
    ``(m, Hdim)``, ``Wx`` ``(D, Hdim)``, ``Wh`` ``(Hdim, Hdim)`` and ``b`` ``(Hdim,)``.
    Raises ``ValueError`` if ``dH`` is not shaped like ``H``.
    """
    H = cache[-1]
    if np.shape(dH) != H.shape:
        raise ValueError(f"dH must have the shape of H {H.shape}, got {np.shape(dH)}.")
    return _rnn_backward(as_float_array(dH, "dH"), cache)


def _rnn_backward(dH, cache):
    """:func:`rnn_backward` without checks: the loop over steps (backwards) finds every
    $dz_t$; the parameter gradients are then sums over all steps, done as matrix products."""
    X, h0, Wx, Wh, H = cache
    m, T, D = X.shape
    dZ = np.empty_like(H)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        dZ[:, t] = (dH[:, t] + dh_next) * (1 - H[:, t] * H[:, t])
        dh_next = dZ[:, t] @ Wh.T
    H_prev = np.concatenate([h0[:, None], H[:, :-1]], axis=1)   # h_0 ... h_{T-1}
    Hdim = H.shape[2]
    dX = dZ @ Wx.T
    dWx = X.reshape(-1, D).T @ dZ.reshape(-1, Hdim)
    dWh = H_prev.reshape(-1, Hdim).T @ dZ.reshape(-1, Hdim)
    db = dZ.sum(axis=(0, 1))
    return dX, dh_next, dWx, dWh, db
