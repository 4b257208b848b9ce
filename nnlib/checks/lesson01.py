r"""Checks for lesson 01, the neuron: ``weighted_sum`` and ``neuron_output``.

The expected answers come from :class:`nnlib.Neuron` (float64 weights, so nothing is
rounded to float32 on the way).
"""

import numpy as np

from ..neuron import Neuron
from .core import Case, run_check


def expected_output(X, w, b, activation="sigmoid"):
    """What ``nnlib.Neuron(w, b, activation)`` gives for ``X``: a number or ``(m,)``."""
    return Neuron(np.asarray(w, dtype=np.float64), b, activation).forward(X)


def check_weighted_sum(weighted_sum):
    r"""Check the learner's ``weighted_sum(x, w, b)``: $z = x \cdot w + b$ for one example.

    x, w: ``(n,)``; b: a number; the answer is a number.
    """
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(5), rng.standard_normal(5)
    cases = [
        Case("zero weights and bias 0.5", (x, np.zeros(5), 0.5), 0.5),
        Case("zero inputs (only the bias is left)", (np.zeros(5), w, -2.0), -2.0),
        Case("a single input x = [3], w = [2], b = 1",
             (np.array([3.0]), np.array([2.0]), 1.0), 7.0),
        Case("x = [1, 2, 3], w = [0.5, -1, 2], b = 0",
             (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), 0.0), 4.5),
        Case("a random example with 5 inputs and b = -1", (x, w, -1.0),
             expected_output(x, w, -1.0, "linear")),
    ]
    run_check("weighted_sum", weighted_sum, cases,
              hint="z = x_1 w_1 + x_2 w_2 + ... + x_n w_n + b, a single number.")


def check_neuron_output(neuron_output):
    r"""Check the learner's ``neuron_output(X, w, b)``: $\sigma(Xw + b)$ for a batch.

    X: ``(m, n)``, rows are examples; w: ``(n,)``; b: a number; the answer has shape ``(m,)``.
    """
    rng = np.random.default_rng(1)
    X, w = rng.standard_normal((6, 3)), rng.standard_normal(3)
    cases = [
        Case("zero weights and bias (every output is sigmoid(0) = 0.5)",
             (X, np.zeros(3), 0.0), np.full(6, 0.5)),
        Case("a batch of one example, X of shape (1, 3)",
             (X[:1], w, 0.5), expected_output(X[:1], w, 0.5)),
        Case("a random batch X of shape (6, 3)", (X, w, -0.3), expected_output(X, w, -0.3)),
        Case("a batch with large weighted sums (z = ±20)",
             (np.array([[10.0, 0.0], [-10.0, 0.0]]), np.array([2.0, 1.0]), 0.0),
             expected_output(np.array([[10.0, 0.0], [-10.0, 0.0]]), [2.0, 1.0], 0.0)),
    ]
    run_check("neuron_output", neuron_output, cases,
              hint="one matrix-vector product gives the weighted sum z of every row at once "
                   "(shape (m,)); add b, then apply the sigmoid.")
