r"""Checks for lesson 03, the forward pass: ``layer_forward`` and ``count_parameters``.

The expected answers come from :mod:`nnlib.forward` and :mod:`nnlib.initialization`
(float64 arrays, so nothing is rounded to float32 on the way).
"""

import numpy as np

from ..forward import layer_forward as reference_layer_forward
from ..initialization import initialize_parameters
from .core import Case, run_check


def expected_layer(A_prev, W, b):
    """What ``nnlib.forward.layer_forward(A_prev, W, b, "relu")`` gives: ``(Z, A)``."""
    return reference_layer_forward(A_prev, W, b, "relu")


def check_layer_forward(layer_forward):
    r"""Check the learner's ``layer_forward(A_prev, W, b)``: $Z = A_{prev} W + b$,
    $A = \mathrm{relu}(Z)$.

    A_prev: ``(m, n_in)``, rows are examples; W: ``(n_in, n_out)``; b: ``(n_out,)``.
    The answer is the pair ``(Z, A)``, both ``(m, n_out)``.
    """
    rng = np.random.default_rng(3)
    x, W34 = rng.standard_normal((1, 3)), rng.standard_normal((3, 4))
    X, W42 = rng.standard_normal((5, 4)), rng.standard_normal((4, 2))
    b4, b2 = np.array([0.5, -1.0, 0.0, 2.0]), rng.standard_normal(2)
    big = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]])
    W_big = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -0.5]])
    cases = [
        Case("one example, A_prev of shape (1, 3), through a layer of 4 units",
             (x, W34, b4), expected_layer(x, W34, b4)),
        Case("zero weights (Z is the bias repeated on every row; ReLU zeroes the -1)",
             (X[:3, :3], np.zeros((3, 4)), b4), expected_layer(X[:3, :3], np.zeros((3, 4)), b4)),
        Case("a random batch of 5 examples with 4 features through a layer of 2 units",
             (X, W42, b2), expected_layer(X, W42, b2)),
        Case("large inputs (±1e4), 3 examples, a layer of 3 units",
             (big, W_big, np.zeros(3)), expected_layer(big, W_big, np.zeros(3))),
    ]
    run_check("layer_forward", layer_forward, cases,
              hint="Z = A_prev @ W + b: (m, n_in) @ (n_in, n_out) gives (m, n_out), and b "
                   "(n_out,) is added to every row; then A = np.maximum(Z, 0). Return (Z, A).")


def expected_count(layer_sizes):
    """The number of weights and biases ``nnlib.initialize_parameters`` creates."""
    parameters = initialize_parameters(*layer_sizes, method="zeros")
    return sum(array.size for array in parameters.values())


def check_count_parameters(count_parameters):
    r"""Check the learner's ``count_parameters(layer_sizes)``: how many numbers a network
    with these layer sizes learns, $\sum_l (n_{l-1} n_l + n_l)$.

    layer_sizes: a list ``[n_0, n_1, ..., n_L]``; the answer is an integer.
    """
    sizes = [[2, 1], [3, 4, 2], [784, 128, 10], [10, 20, 30, 40, 5], [784, 1]]
    cases = [
        Case(f"layer sizes {list(s)} ({len(s) - 1} layer{'s' * (len(s) > 2)})",
             (list(s),), expected_count(s))
        for s in sizes
    ]
    run_check("count_parameters", count_parameters, cases,
              hint="layer l has a weight matrix of shape (n_{l-1}, n_l) and n_l biases; add "
                   "n_{l-1} * n_l + n_l over the layers l = 1..L (pairs of neighbouring sizes).",
              rtol=0, atol=0)
