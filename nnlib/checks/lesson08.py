r"""Checks for lesson 08, regularization: ``l2_penalty`` and ``dropout_forward``.

The L2 penalty is compared with :func:`nnlib.regularization.weight_penalty`, in float32 like
the lesson's networks. Dropout is random, so its check measures the result instead of comparing
numbers: the shape, the fraction of zeros, the scale $1 / (1 - p)$ of what is kept, the
preserved mean, and that the mask comes from the ``rng`` it is given, one draw per element.

Every check is ``check_name(fn, *, seed=None)``: the visible cases, plus, with an int
``seed``, hidden cases of the same kinds drawn from ``np.random.default_rng(seed)``. A warning
raised by the learner's code counts as a failure.
"""

import numpy as np

from ..initialization import initialize_parameters
from ..regularization import weight_penalty
from .core import Case, run_check, summarize
from .strict import hidden_rng, require_function, without_warnings

HINTS = {
    "lesson08-l2-penalty": (
        "The penalty measures how large the weights are: every entry of every weight matrix "
        "counts, squared; the biases do not count at all.",
        "penalty = (lambda / 2) times the sum over the layers l of ||W_l||^2, where ||W_l||^2 is "
        "the sum of the squares of W_l's entries. Pick the weight matrices by their keys (W1, "
        "W2, ...), and return one number.",
    ),
    "lesson08-dropout-forward": (
        "Draw one uniform random number in [0, 1) per element of A, with the rng you are "
        "given; an element survives when its number is at least the rate, which happens with "
        "probability 1 - p.",
        "Survivors are divided by 1 - p and the others become 0, so that E[result] = A. Build a "
        "new array (A * mask, with the mask of 0s and 1/(1-p)s) rather than writing into A.",
    ),
}

# How far a measured fraction or mean may stray from its expected value (the draws are
# random; with the sizes used below these limits are more than 5 standard deviations away).
STATISTICAL_TOLERANCE = 0.03


def with_biases(parameters, value):
    """A copy of ``parameters`` whose biases are all ``value`` (the penalty must ignore them)."""
    return {key: np.full_like(array, value) if key.startswith("b") else array
            for key, array in parameters.items()}


def penalty_case(description, parameters, lam):
    """A case whose answer is nnlib's penalty, computed in float64."""
    exact = {key: array.astype(np.float64) for key, array in parameters.items()}
    return Case(description, (parameters, lam), weight_penalty(exact, l2=lam))


def check_l2_penalty(l2_penalty, *, seed=None):
    r"""Check the learner's ``l2_penalty(parameters, lam)``:
    $\frac{\lambda}{2} \sum_l \lVert W_l \rVert^2$, the sum of the squares of every weight
    matrix, biases left out.

    parameters: ``{"W1": (n_0, n_1), "b1": (n_1,), ...}`` in float32; lam: $\lambda \ge 0$.
    The answer is a number.
    """
    require_function("l2_penalty", l2_penalty, "lesson08-l2-penalty")
    one_layer = initialize_parameters(3, 2, method="normal", scale=1.0, rng=0)
    two_layers = with_biases(
        initialize_parameters(4, 5, 3, method="normal", scale=1.0, rng=1), 10.0)
    mnist_sized = initialize_parameters(784, 32, 16, 10, method="he", rng=2)
    zeros = {key: np.zeros_like(array) for key, array in two_layers.items()}
    cases = [
        penalty_case("one layer W1 (3, 2), lam = 0.1", one_layer, 0.1),
        Case("lam = 0 (no penalty at all)", (two_layers, 0.0), 0.0),
        Case("all-zero weights, lam = 1", (zeros, 1.0), 0.0),
        penalty_case("a 784-32-16-10 network, lam = 1e-3 (every layer counts)", mnist_sized,
                     1e-3),
        penalty_case("two layers whose biases are all 10, lam = 0.5 (biases are not "
                     "penalized)", two_layers, 0.5),
    ]
    hidden = hidden_rng(seed)
    if hidden is not None:
        sizes = tuple(int(n) for n in hidden.integers(2, 30, size=int(hidden.integers(2, 5))))
        net = with_biases(initialize_parameters(*sizes, method="normal", scale=float(
            hidden.uniform(0.1, 2)), rng=hidden), float(hidden.uniform(-3, 3)))
        cases.append(penalty_case(f"a hidden network {sizes}", net,
                                  float(10 ** hidden.uniform(-4, 0))))
    run_check("l2_penalty", without_warnings(l2_penalty), cases, rtol=1e-4, atol=1e-9,
              exercise="lesson08-l2-penalty")


def measure(dropout_forward):
    """A function ``(shape, rate, seed, what) -> number or array`` that runs the learner's
    ``dropout_forward(A, rate, rng)`` on a positive float32 ``A`` of ``shape`` (drawn from
    ``seed``) with ``rng = np.random.default_rng(seed + 1)``, and measures ``what`` in the
    result.

    A result that is not an array of ``A``'s shape is passed on as a description, so the
    failure message says what came back. Statistical measures are reported as exactly their
    expected value when they are within :data:`STATISTICAL_TOLERANCE` of it, and as measured
    otherwise.
    """

    def call(shape, rate, seed, what):
        A = np.random.default_rng(seed).uniform(0.5, 2.0, size=shape).astype(np.float32)
        A_before = A.copy()
        out = dropout_forward(A, rate, np.random.default_rng(seed + 1))
        if out is None:
            return None
        out = np.asarray(out)
        if out.shape != A.shape:
            return f"{summarize(out)} instead of an array of shape {A.shape}"
        if what == "shape":
            return np.array(out.shape)
        if what == "output":
            return out
        if what == "A unchanged":
            return float(np.max(np.abs(A - A_before)))
        if what == "zeroed fraction":
            return near(float(np.mean(out == 0)), rate)
        if what == "kept scale":  # out / A where kept (A >= 0.5), the expected scale elsewhere
            scale = 1.0 / (1.0 - rate)
            return np.where(out == 0, scale, out / A_before)
        if what == "mean ratio":
            return near(float(out.mean() / A_before.mean()), 1.0)
        if what == "same seed":
            again = dropout_forward(A_before.copy(), rate, np.random.default_rng(seed + 1))
            return float(np.max(np.abs(out - np.asarray(again))))
        # what == "same mask in every row": columns dropped or kept for all examples at once
        dropped = out == 0
        return float(np.mean(np.all(dropped == dropped[:1], axis=0)))

    return without_warnings(call)


def near(measured, expected):
    """``expected`` if ``measured`` is within :data:`STATISTICAL_TOLERANCE` of it, else
    ``measured`` (so that the failure message shows the measured value)."""
    return expected if abs(measured - expected) <= STATISTICAL_TOLERANCE else measured


def check_dropout_forward(dropout_forward, *, seed=None):
    r"""Check the learner's ``dropout_forward(A, rate, rng)``: inverted dropout, $A \odot D$
    with $D_{ij} = 1 / (1 - p)$ with probability $1 - p$ and $0$ with probability $p$.

    A: activations ``(m, n)``; rate: the drop probability $p$ in $[0, 1)$; rng: a
    ``numpy.random.Generator``. The answer is a new array of ``A``'s shape; ``A`` itself is
    left unchanged.
    """
    require_function("dropout_forward", dropout_forward, "lesson08-dropout-forward")
    big = (200, 100)
    tolerance = f"within {STATISTICAL_TOLERANCE}"
    A_small = np.random.default_rng(0).uniform(0.5, 2.0, size=(4, 5)).astype(np.float32)
    cases = [
        Case("A of shape (4, 5), rate 0.5: the shape of the result", ((4, 5), 0.5, 1, "shape"),
             np.array([4, 5])),
        Case("A of shape (4, 5), rate 0 (nothing dropped): the result is A itself, unscaled",
             ((4, 5), 0.0, 0, "output"), A_small),
        Case(f"A of shape {big}, rate 0.5: the fraction of units dropped or kept for every "
             f"example at once (draw one random number per element of A, not one per column)",
             (big, 0.5, 9, "same mask in every row"), 0.0),
        Case(f"A of shape {big}, rate 0.5: the fraction of zeros ({tolerance})",
             (big, 0.5, 2, "zeroed fraction"), 0.5),
        Case(f"A of shape {big}, rate 0.2: the fraction of zeros ({tolerance}; a fraction "
             f"near 0.8 means the mask keeps with probability p instead of 1 - p)",
             (big, 0.2, 3, "zeroed fraction"), 0.2),
        Case("rate 0.2: every kept value divided by its A (it should be 1 / (1 - 0.2) = 1.25)",
             (big, 0.2, 4, "kept scale"), np.full(big, 1.25)),
        Case("rate 0.9: every kept value divided by its A (it should be 1 / (1 - 0.9) = 10)",
             (big, 0.9, 5, "kept scale"), np.full(big, 10.0)),
        Case(f"rate 0.5: the mean of the result over the mean of A (1 {tolerance}: inverted "
             f"dropout keeps the expected activation)", (big, 0.5, 6, "mean ratio"), 1.0),
        Case("rate 0.5: the largest change made to the A you were given (leave A unchanged, "
             "return a new array)", (big, 0.5, 7, "A unchanged"), 0.0),
        Case("rate 0.5, called twice with the same seed: the largest difference between the "
             "two results (draw the mask with the rng you are given)",
             (big, 0.5, 8, "same seed"), 0.0),
    ]
    hidden = hidden_rng(seed)
    if hidden is not None:
        rate = round(float(hidden.uniform(0.1, 0.8)), 2)
        s = int(hidden.integers(10, 10_000))
        scale = 1 / (1 - rate)
        cases += [
            Case(f"hidden: rate {rate}, the fraction of zeros ({tolerance})",
                 (big, rate, s, "zeroed fraction"), rate),
            Case(f"hidden: rate {rate}, every kept value divided by its A (1 / (1 - {rate}) = "
                 f"{scale:.4g})", (big, rate, s + 1, "kept scale"), np.full(big, scale)),
        ]
    run_check("dropout_forward", measure(dropout_forward), cases, rtol=1e-4, atol=1e-6,
              exercise="lesson08-dropout-forward")
