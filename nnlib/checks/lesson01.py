r"""Checks for lesson 01, the neuron: ``weighted_sum`` and ``neuron_output``.

The expected answers come from :class:`nnlib.Neuron` (float64 weights, so nothing is
rounded to float32 on the way). With ``seed=None`` a check runs its visible cases; with an int
seed it also runs hidden cases of the same kinds, drawn from ``np.random.default_rng(seed)``.
"""

import numpy as np

from ..neuron import Neuron
from .core import Case, run_check
from .strict import hidden_rng, without_warnings

HINTS = {
    "lesson01-weighted-sum": (
        "Each input is multiplied by its own weight, the products are added up, and the bias "
        "is added once at the end. The result is one number, not an array.",
        r"z = x_1 w_1 + x_2 w_2 + ... + x_n w_n + b, which is the dot product of x and w "
        "plus b; NumPy's matrix-product operator computes a dot product of two 1-D arrays.",
    ),
    "lesson01-neuron-output": (
        "Do for every row of X what weighted_sum does for one example, all at once, then "
        "squash each weighted sum with the sigmoid defined above.",
        r"z = X w + b has shape (m,): a matrix-vector product, plus b added to every entry "
        "(broadcasting); the output is sigmoid(z), of shape (m,).",
        "If your result has shape (n,) or (m, n), you multiplied element by element instead "
        "of taking the matrix-vector product.",
    ),
}


def expected_output(X, w, b, activation="sigmoid"):
    """What ``nnlib.Neuron(w, b, activation)`` gives for ``X``: a number or ``(m,)``."""
    return Neuron(np.asarray(w, dtype=np.float64), b, activation).forward(X)


def check_weighted_sum(weighted_sum, *, seed=None):
    r"""Check the learner's ``weighted_sum(x, w, b)``: $z = x \cdot w + b$ for one example.

    x, w: ``(n,)``; b: a number; the answer is a number.
    """
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(5), rng.standard_normal(5)
    cases = [
        Case("zero weights and bias 0.5", (x, np.zeros(5), 0.5), 0.5),
        Case("zero inputs (only the bias is left)", (np.zeros(5), w, -2.0), -2.0),
        Case("a single input x = [3], w = [2], b = 1 (the answer is a number, not an array)",
             (np.array([3.0]), np.array([2.0]), 1.0), 7.0),
        Case("x = [1, 2, 3], w = [0.5, -1, 2], b = 0 (only the weights count)",
             (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), 0.0), 4.5),
        Case("a random example with 5 inputs and b = -1", (x, w, -1.0),
             expected_output(x, w, -1.0, "linear")),
    ]
    hidden = hidden_rng(seed)
    for _ in range(3 if hidden else 0):
        n = int(hidden.integers(1, 9))
        x, w, b = hidden.standard_normal(n), hidden.standard_normal(n), hidden.normal(0, 2)
        cases.append(Case(f"a hidden example with {n} inputs", (x, w, b),
                          expected_output(x, w, b, "linear")))
    run_check("weighted_sum", without_warnings(weighted_sum, "a plain weighted sum needs "
                                               "nothing that warns"),
              cases, exercise="lesson01-weighted-sum")


def check_neuron_output(neuron_output, *, seed=None):
    r"""Check the learner's ``neuron_output(X, w, b)``: $\sigma(Xw + b)$ for a batch.

    X: ``(m, n)``, rows are examples; w: ``(n,)``; b: a number; the answer has shape ``(m,)``.
    The weighted sums stay within $\pm 20$, where the sigmoid of lesson 01 gives no warning.
    """
    rng = np.random.default_rng(1)
    X, w = rng.standard_normal((6, 3)), rng.standard_normal(3)
    big = np.array([[10.0, 0.0], [-10.0, 0.0]])
    cases = [
        Case("zero weights and bias (every output is sigmoid(0) = 0.5)",
             (X, np.zeros(3), 0.0), np.full(6, 0.5)),
        Case("zero weights and bias 2 (every output is sigmoid(2) = 0.8808)",
             (X, np.zeros(3), 2.0), expected_output(X, np.zeros(3), 2.0)),
        Case("a batch of one example, X of shape (1, 3)",
             (X[:1], w, 0.5), expected_output(X[:1], w, 0.5)),
        Case("a random batch X of shape (6, 3)", (X, w, -0.3), expected_output(X, w, -0.3)),
        Case("a batch of 4 examples with 2 features (the answer has shape (4,))",
             (X[:4, :2], w[:2], 0.0), expected_output(X[:4, :2], w[:2], 0.0)),
        Case("a batch with large weighted sums (z = +20 and -20)",
             (big, np.array([2.0, 1.0]), 0.0), expected_output(big, [2.0, 1.0], 0.0)),
    ]
    hidden = hidden_rng(seed)
    for _ in range(3 if hidden else 0):
        m, n = (int(k) for k in hidden.integers(1, 9, size=2))
        X, w, b = hidden.standard_normal((m, n)), hidden.standard_normal(n), hidden.normal()
        cases.append(Case(f"a hidden batch of shape ({m}, {n})", (X, w, b),
                          expected_output(X, w, b)))
    run_check("neuron_output", without_warnings(neuron_output, "z stays within ±20 here"),
              cases, exercise="lesson01-neuron-output")
