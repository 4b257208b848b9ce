r"""Checks for lesson 11, recurrent networks: one RNN step forward, its backward pass, and
backpropagation through time over a whole sequence.

The expected answers come from :func:`nnlib.rnn.rnn_forward` and :func:`nnlib.rnn.rnn_backward`
(a step is a sequence of length 1), computed in float64, the lesson's dtype for gradient
checks. ``seed=None`` runs the visible cases; an int ``seed`` adds hidden cases of the same
kinds drawn from ``np.random.default_rng(seed)``. A warning (overflow, invalid value) in the
learner's function is a failure, not something to silence, and a result keeps the dtype of its
input, float64 here (see :mod:`nnlib.checks.strict`).

The functions named after the exercises (:func:`rnn_step_forward`, :func:`rnn_step_backward`,
:func:`bptt`) are nnlib's answers, for a student version to fall back on
(``yours_or_nnlib``).
"""

import numpy as np

from ..rnn import rnn_backward, rnn_forward
from .core import Case
from .strict import run_strict_check, visible_and_hidden

HINTS = {
    "lesson11-rnn-step-forward": (
        "One step mixes two things: the new input x (one row per sequence) through Wx, and "
        "the previous hidden state through Wh. Add the bias, then squash with tanh.",
        "h = tanh(x Wₓ + h₍ₜ₋₁₎ W_h + b): two matrix products, shapes (m, D)(D, n_h) and "
        "(m, n_h)(n_h, n_h), both giving (m, n_h); b (n_h,) is added to every row.",
    ),
    "lesson11-rnn-step-backward": (
        "Redo the step forward to get h. The gradient dh first goes back through tanh (its "
        "derivative is written with h itself), giving dz; then dz goes back through the two "
        "matrix products, exactly like a dense layer's backward pass, once for x and once for "
        "the previous state.",
        "dz = dh ⊙ (1 − h²); dx = dz Wₓᵀ; dh_prev = dz W_hᵀ; dWₓ = xᵀ dz; dW_h = h_prevᵀ dz; "
        "db = the sum of dz over the examples (the rows).",
        "Shapes: dx like x (m, D), dh_prev like h_prev (m, n_h), dWₓ (D, n_h), "
        "dW_h (n_h, n_h), db (n_h,). A wrong transpose shows up as a wrong shape when m, D "
        "and n_h differ.",
    ),
    "lesson11-bptt": (
        "First run the forward pass step by step and keep every state h₀, h₁, ..., h_T. Then "
        "walk backwards from the last step to the first: the gradient reaching hₜ is what the "
        "cost sends to it directly (dH at step t) plus what step t + 1 sends back.",
        "At step t call your step backward with (dHₜ + dh_next, xₜ, hₜ₋₁, ...); it returns dxₜ "
        "and the new dh_next for step t − 1. The weights are shared by every step, so dWₓ, dW_h "
        "and db are sums over the steps. After the loop, dh_next is dh₀.",
        "Start with dh_next = 0 (nothing comes back from after the last step), and zeros for "
        "the three sums. Step t of the backward pass needs the state before it, hₜ₋₁, which is "
        "h₀ for the first step.",
    ),
}


def fixed(seed, shape, scale=1.0):
    """Fixed standard-normal numbers for the visible cases."""
    return np.random.default_rng(1100 + seed).standard_normal(shape) * scale


def random_step(rng, m, D, n_h, scale=1.0):
    """``(x, h_prev, Wx, Wh, b)`` for one step, drawn from ``rng``."""
    return (rng.standard_normal((m, D)), np.tanh(rng.standard_normal((m, n_h))),
            rng.standard_normal((D, n_h)) * scale, rng.standard_normal((n_h, n_h)) * scale,
            rng.standard_normal(n_h))


def _sizes(rng):
    """``m``, ``D``, ``n_h``: three different sizes from 1 to 7, so that a transpose or a sum
    over the wrong axis gives a wrong shape."""
    return (int(v) for v in rng.choice(np.arange(1, 8), size=3, replace=False))


# ----------------------------------------------------------------------------- one step forward


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """The exercise's answer from nnlib: one step, ``h`` ``(m, n_h)``, in float64."""
    arrays = [np.asarray(a, np.float64) for a in (x, h_prev, Wx, Wh, b)]
    H, _ = rnn_forward(arrays[0][:, None], *arrays[1:])
    return H[:, 0]


def _step_case(description, x, h_prev, Wx, Wh, b):
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in (x, h_prev, Wx, Wh, b))
    return Case(description, arrays, rnn_step_forward(*arrays))


def step_forward_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``."""
    if rng is not None:
        cases = []
        for index in range(4):
            m, D, n_h = _sizes(rng)
            arrays = random_step(rng, m, D, n_h, scale=float(rng.uniform(0.2, 1.5)))
            cases.append(_step_case(f"hidden case {index + 1}: x ({m}, {D}), h_prev ({m}, {n_h})",
                                    *arrays))
        return cases
    m, D, n_h = 4, 3, 5
    x, h_prev = fixed(0, (m, D)), np.tanh(fixed(1, (m, n_h)))
    Wx, Wh, b = fixed(2, (D, n_h), 0.5), fixed(3, (n_h, n_h), 0.5), fixed(4, (n_h,))
    return [
        _step_case("a random step, x (4, 3), h_prev (4, 5), Wx (3, 5), Wh (5, 5)",
                   x, h_prev, Wx, Wh, b),
        _step_case("h_prev = 0 (the first step: only the input and the bias count)",
                   x, np.zeros((m, n_h)), Wx, Wh, b),
        _step_case("x = 0 (only the previous state and the bias count)",
                   np.zeros((m, D)), h_prev, Wx, Wh, b),
        _step_case("Wh = 0 and b = 0 (no memory: tanh of x Wx alone)",
                   x, h_prev, Wx, np.zeros((n_h, n_h)), np.zeros(n_h)),
        _step_case("large weights (tanh saturates near ±1 and must not overflow)",
                   x, h_prev, Wx * 400, Wh * 400, b * 100),
        _step_case("one sequence (m = 1) with one input number (D = 1)",
                   x[:1, :1], h_prev[:1], Wx[:1], Wh, b),
    ]


def check_rnn_step_forward(function, *, seed=None):
    r"""Check the learner's ``rnn_step_forward(x, h_prev, Wx, Wh, b)``:

    $$h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$$

    x: ``(m, D)``; h_prev: ``(m, n_h)``; Wx: ``(D, n_h)``; Wh: ``(n_h, n_h)``; b: ``(n_h,)``; the
    answer ``(m, n_h)``, in float64.
    """
    cases = visible_and_hidden(step_forward_cases, seed)
    run_strict_check("rnn_step_forward", function, cases,
                     exercise="lesson11-rnn-step-forward", first="x", rtol=1e-6, atol=1e-9,
                     why="np.tanh saturates without overflowing; exp-based formulas do not")


# ----------------------------------------------------------------------------- one step backward


def rnn_step_backward(dh, x, h_prev, Wx, Wh, b):
    """The exercise's answer from nnlib: ``(dx, dh_prev, dWx, dWh, db)`` of one step, in
    float64."""
    arrays = [np.asarray(a, np.float64) for a in (x, h_prev, Wx, Wh, b)]
    H, cache = rnn_forward(arrays[0][:, None], *arrays[1:])
    dX, dh_prev, dWx, dWh, db = rnn_backward(np.asarray(dh, np.float64)[:, None], cache)
    return dX[:, 0], dh_prev, dWx, dWh, db


def _step_backward_case(description, dh, x, h_prev, Wx, Wh, b):
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in (dh, x, h_prev, Wx, Wh, b))
    return Case(description, arrays, tuple(rnn_step_backward(*arrays)))


def step_backward_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``."""
    if rng is not None:
        cases = []
        for index in range(4):
            m, D, n_h = _sizes(rng)
            arrays = random_step(rng, m, D, n_h, scale=float(rng.uniform(0.2, 1.0)))
            cases.append(_step_backward_case(
                f"hidden case {index + 1}: x ({m}, {D}), h_prev ({m}, {n_h})",
                rng.standard_normal((m, n_h)), *arrays))
        return cases
    m, D, n_h = 4, 3, 5
    x, h_prev = fixed(10, (m, D)), np.tanh(fixed(11, (m, n_h)))
    Wx, Wh, b = fixed(12, (D, n_h), 0.5), fixed(13, (n_h, n_h), 0.5), fixed(14, (n_h,))
    dh = fixed(15, (m, n_h))
    return [
        _step_backward_case("a random step, x (4, 3), h_prev (4, 5), Wx (3, 5), Wh (5, 5)",
                            dh, x, h_prev, Wx, Wh, b),
        _step_backward_case("dh = 0 (every gradient is 0)", np.zeros((m, n_h)), x, h_prev, Wx,
                            Wh, b),
        _step_backward_case("Wx = Wh = 0, b = 0: h = 0, so tanh' = 1 and dz = dh",
                            dh, x, h_prev, np.zeros((D, n_h)), np.zeros((n_h, n_h)), np.zeros(n_h)),
        _step_backward_case("h_prev = 0 (the first step: dWh is 0)", dh, x, np.zeros((m, n_h)),
                            Wx, Wh, b),
        _step_backward_case("large weights (tanh saturated: tanh' near 0, no overflow)",
                            dh, x, h_prev, Wx * 400, Wh * 400, b),
        _step_backward_case("one sequence (m = 1) with one input number (D = 1)",
                            dh[:1], x[:1, :1], h_prev[:1], Wx[:1], Wh, b),
    ]


def check_rnn_step_backward(function, *, seed=None):
    r"""Check the learner's ``rnn_step_backward(dh, x, h_prev, Wx, Wh, b)``, which returns
    ``(dx, dh_prev, dWx, dWh, db)`` for $h = \tanh(z)$, $z = x W_x + h_{prev} W_h + b$:

    $$dz = dh \odot (1 - h^2), \quad dx = dz\, W_x^\top, \quad dh_{prev} = dz\, W_h^\top,
    \quad dW_x = x^\top dz, \quad dW_h = h_{prev}^\top dz, \quad db = \textstyle\sum_i dz_i$$

    Shapes as in :func:`check_rnn_step_forward`, dh ``(m, n_h)``; float64.
    """
    cases = visible_and_hidden(step_backward_cases, seed)
    run_strict_check("rnn_step_backward", function, cases,
                     exercise="lesson11-rnn-step-backward", first="dh", rtol=1e-6, atol=1e-9,
                     why="write tanh's derivative with h, from np.tanh, which cannot overflow")


# ----------------------------------------------------------------------------- through time


def bptt(dH, X, h0, Wx, Wh, b):
    """The exercise's answer from nnlib: ``(dX, dh0, dWx, dWh, db)`` of a whole sequence,
    in float64."""
    arrays = [np.asarray(a, np.float64) for a in (X, h0, Wx, Wh, b)]
    _, cache = rnn_forward(*arrays)
    return tuple(rnn_backward(np.asarray(dH, np.float64), cache))


def _bptt_case(description, dH, X, h0, Wx, Wh, b):
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in (dH, X, h0, Wx, Wh, b))
    return Case(description, arrays, bptt(*arrays))


def bptt_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``."""
    if rng is not None:
        cases = []
        for index in range(4):
            m, D, n_h = _sizes(rng)
            T = int(rng.integers(2, 9))
            X = rng.standard_normal((m, T, D))
            Wx, Wh = rng.standard_normal((D, n_h)) * 0.7, rng.standard_normal((n_h, n_h)) * 0.5
            dH = rng.standard_normal((m, T, n_h))
            if index % 2:
                dH[:, :-1] = 0.0              # a classifier: the cost reads only h_T
            cases.append(_bptt_case(
                f"hidden case {index + 1}: X ({m}, {T}, {D}), n_h = {n_h}", dH, X,
                np.tanh(rng.standard_normal((m, n_h))), Wx, Wh, rng.standard_normal(n_h)))
        return cases
    m, T, D, n_h = 3, 5, 2, 4
    X, h0 = fixed(20, (m, T, D)), np.tanh(fixed(21, (m, n_h)))
    Wx, Wh, b = fixed(22, (D, n_h), 0.7), fixed(23, (n_h, n_h), 0.5), fixed(24, (n_h,))
    dH = fixed(25, (m, T, n_h))
    last_only = np.zeros((m, T, n_h))
    last_only[:, -1] = dH[:, -1]
    first_only = np.zeros((m, T, n_h))
    first_only[:, 0] = dH[:, 0]
    return [
        _bptt_case("a random sequence, X (3, 5, 2), n_h = 4, a gradient on every state",
                   dH, X, h0, Wx, Wh, b),
        _bptt_case("a gradient on the last state only (a classifier reading h_T): it must "
                   "travel back through every step", last_only, X, h0, Wx, Wh, b),
        _bptt_case("a gradient on the first state only (nothing flows from later steps)",
                   first_only, X, h0, Wx, Wh, b),
        _bptt_case("a sequence of one step (T = 1)", dH[:, :1], X[:, :1], h0, Wx, Wh, b),
        _bptt_case("h0 = 0 and Wh = 0 (no memory: the steps are independent)",
                   dH, X, np.zeros((m, n_h)), Wx, np.zeros((n_h, n_h)), b),
        _bptt_case("a long sequence (T = 12) of one example", fixed(26, (1, 12, n_h)),
                   fixed(27, (1, 12, D)), h0[:1], Wx, Wh, b),
    ]


def check_bptt(function, *, seed=None):
    r"""Check the learner's ``bptt(dH, X, h0, Wx, Wh, b)``, backpropagation through time:
    ``(dX, dh0, dWx, dWh, db)`` for $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$, given
    ``dH`` $= \partial J / \partial h_t$ for every step.

    X: ``(m, T, D)``; dH: ``(m, T, n_h)``; h0: ``(m, n_h)``; Wx: ``(D, n_h)``; Wh: ``(n_h, n_h)``;
    b: ``(n_h,)``; float64. The answers are shaped like X, h0, Wx, Wh and b.
    """
    cases = visible_and_hidden(bptt_cases, seed)
    run_strict_check("bptt", function, cases,
                     exercise="lesson11-bptt", first="dH", rtol=1e-6, atol=1e-9,
                     why="the steps need only np.tanh and matrix products")
