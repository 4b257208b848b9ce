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

:class:`RNNClassifier` puts a dense output layer on the last hidden state $h_T$ and trains on
:func:`make_marker_sequences`, a toy task that needs memory: "was there a 1 anywhere in the
sequence?".
"""

import math

import numpy as np

from ._validation import as_float_array, check_finite, check_positive
from .backprop import output_gradient
from .forward import layer_forward
from .initialization import as_generator, init_scale
from .model import Model, check_loss
from .regularization import add_penalty_gradient, weight_penalty

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


# ----------------------------------------------------------------------------- a toy task


def make_marker_sequences(n_samples=512, length=10, rng=None):
    r"""The toy task "does the sequence contain a 1?", which needs a memory of the past.

    Each step is 1 with probability $q = 1 - 2^{-1/T}$ and 0 otherwise, so about half the
    sequences hold no 1 at all ($(1 - q)^T = 1/2$). The label is 1 if there is a 1 anywhere,
    even at the first step: the network has to remember it until the end.

    Returns ``(X, y)``: ``X`` ``(n_samples, length, 1)`` float32 zeros and ones, ``y``
    ``(n_samples,)`` int64 labels. rng: an int seed or a ``numpy.random.Generator``.
    """
    check_positive(n_samples, "n_samples", integer=True)
    check_positive(length, "length", integer=True)
    q = 1.0 - 0.5 ** (1.0 / length)
    X = (as_generator(rng).random((n_samples, length, 1)) < q).astype(np.float32)
    return X, X.max(axis=(1, 2)).astype(np.int64)


# ----------------------------------------------------------------------------- the network


class RNNClassifier(Model):
    r"""A vanilla RNN with a dense output layer on its last hidden state, trained with
    :meth:`Model.fit`.

    $$h_t = \tanh(x_t W_x + h_{t-1} W_h + b_h), \quad h_0 = 0, \qquad
    \hat y = g(h_T W_y + b_y)$$

    with $g$ the sigmoid for one output (binary labels) and softmax for several.
    ``parameters``: ``Wx`` ``(D, Hdim)``, ``Wh`` ``(Hdim, Hdim)``, ``bh`` ``(Hdim,)``,
    ``Wy`` ``(Hdim, n_outputs)``, ``by`` ``(n_outputs,)`` (Xavier initialization, zero
    biases); gradients ``dWx``... ``l2``/``l1`` in :meth:`fit` penalize the three weight
    matrices; dropout is not supported.

    :meth:`fit`, :meth:`predict` and :meth:`evaluate` take sequences ``(m, T, D)`` (any
    ``T``), or ``(m, T)`` when ``D`` is 1.
    """

    def __init__(self, n_inputs=1, n_hidden=16, n_outputs=1, seed=0, dtype=np.float32):
        check_positive(n_inputs, "n_inputs", integer=True)
        super().__init__([n_hidden, n_outputs], init="xavier", seed=seed, dtype=dtype)
        parameters = {}
        for name, shape in (("Wx", (n_inputs, n_hidden)), ("Wh", (n_hidden, n_hidden))):
            W = self.rng.standard_normal(shape, dtype=np.float64).astype(self.dtype)
            W *= self.dtype.type(init_scale("xavier", *shape))
            parameters[name] = W
        parameters["bh"] = np.zeros(n_hidden, dtype=self.dtype)
        parameters["Wy"], parameters["by"] = self.parameters["W1"], self.parameters["b1"]
        self.parameters = parameters

    @property
    def layer_sizes(self):
        """``(D, Hdim, n_outputs)``."""
        if "Wx" not in self.parameters:  # inside Model.__init__: only the output layer so far
            return super().layer_sizes
        return (*self.parameters["Wx"].shape, self.parameters["Wy"].shape[1])

    def __repr__(self):
        D, Hdim, n_out = self.layer_sizes
        return (f"RNNClassifier(RNN({D} -> {Hdim}, tanh), Dense({Hdim} -> {n_out}, "
                f"{self.output_activation})): "
                f"{sum(v.size for v in self.parameters.values()):,} {self.dtype.name} parameters")

    def _check_X(self, X, name="X"):
        """Sequences ``(m, T, D)`` checked and in the model's dtype."""
        D = self.layer_sizes[0]
        X = as_float_array(X, name)
        if X.ndim == 2 and D == 1:
            X = X[:, :, None]
        if X.ndim != 3 or X.shape[2] != D or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"{name} must be sequences of shape (m, T, {D}) with m, T >= 1"
                             f"{' (or (m, T))' if D == 1 else ''}, got shape {X.shape}.")
        check_finite(X, name)
        return X.astype(self.dtype, copy=False)

    def _forward(self, X):
        return self._run(X)

    def _run(self, X):
        """Forward pass: ``(output (m, n_outputs), cache)``; the output layer is layer 2
        (``Z2``, ``A2`` in the cache), the recurrent layer layer 1."""
        p = self.parameters
        h0 = np.zeros((len(X), p["Wh"].shape[0]), dtype=self.dtype)
        H, rnn_cache = _rnn_forward(X, h0, p["Wx"], p["Wh"], p["bh"])
        Z, A = layer_forward(H[:, -1], p["Wy"], p["by"], self.output_activation)
        return A, {"rnn": rnn_cache, "Z2": Z, "A2": A}

    def _backward(self, Y, cache, l2=0.0, l1=0.0):
        """Gradients ``{"dWx", "dWh", "dbh", "dWy", "dby"}`` from a :meth:`_run` cache."""
        p = self.parameters
        H = cache["rnn"][-1]
        dZ = output_gradient(cache["A2"], cache["Z2"], Y, self.output_activation, self.cost)
        grads = {"dWy": H[:, -1].T @ dZ, "dby": dZ.sum(axis=0)}
        dH = np.zeros_like(H)
        dH[:, -1] = dZ @ p["Wy"].T
        _, _, grads["dWx"], grads["dWh"], grads["dbh"] = _rnn_backward(dH, cache["rnn"])
        for key in ("Wx", "Wh", "Wy"):
            add_penalty_gradient(grads[f"d{key}"], p[key], l2, l1)
        return grads

    def _loss_and_gradients(self, X, Y, l2, l1, dropout=0.0, max_loss=math.inf):
        """Forward pass, cost and backward pass on a checked batch: ``(A, loss, grads)``."""
        if dropout:
            raise ValueError(f"RNNClassifier does not support dropout; got dropout={dropout}. "
                             f"Use l2= to regularize instead.")
        A, cache = self._run(X)
        loss = self._cost(A, cache, Y)
        if l2 or l1:
            loss += weight_penalty(self.parameters, l2, l1)
        check_loss(loss, max_loss)
        return A, loss, self._backward(Y, cache, l2, l1)

    def config(self):
        """The constructor arguments that rebuild this architecture (for :meth:`save`)."""
        n_inputs, n_hidden, n_outputs = self.layer_sizes
        return {"n_inputs": n_inputs, "n_hidden": n_hidden, "n_outputs": n_outputs,
                "dtype": self.dtype.name}
