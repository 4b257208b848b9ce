r"""Checks for lesson 04, the cost: ``binary_cross_entropy`` and ``categorical_cross_entropy``.

The expected answers come from :mod:`nnlib.costs` (float64 arrays). Both checks include
predictions of exactly 0 and 1. A cost that is right must stay finite there; for a confident
mistake (probability 0 for the true label) its exact value depends on the $\epsilon$ the learner
clips with, so those cases only ask for a finite cost of at least ``LARGE``.
"""

import functools

import numpy as np

from .. import costs
from .core import Case, run_check

# A confident mistake must cost at least this much: -log(eps) >= 10 for any eps <= 4.5e-5.
LARGE = 10.0


def capped(cost_function):
    """Wrap ``cost_function(A, Y)`` as ``wrapped(A, Y, cap)``: its result, lowered to ``cap``
    when it is a finite number above ``cap`` (NaN, infinity and anything that is not a single
    number pass through unchanged, so the check reports them). NumPy's warnings about
    ``log(0)`` are silenced: the NaN or infinity they lead to is what the check reports."""
    @functools.wraps(cost_function)
    def wrapped(A, Y, cap):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            cost = cost_function(A, Y)
        if cost is None or np.ndim(cost) != 0:
            return cost
        try:
            value = float(cost)
        except (TypeError, ValueError):
            return cost
        return min(value, cap) if np.isfinite(value) else value
    return wrapped


def exact(description, A, Y, reference):
    """A case whose answer is ``reference(A, Y)`` exactly."""
    return Case(description, (A, Y, np.inf), reference(A, Y))


def confident_mistake(description, A, Y):
    """A case that asks only for a finite cost of at least ``LARGE``."""
    return Case(f"{description}: the cost must be finite and at least {LARGE:g}",
                (A, Y, LARGE), LARGE)


def check_binary_cross_entropy(binary_cross_entropy):
    r"""Check the learner's ``binary_cross_entropy(A, Y)``:
    $J = -\frac{1}{m} \sum \big[y \log a + (1 - y) \log(1 - a)\big]$, finite for $a \in \{0, 1\}$.

    A: predictions ``(m, n_out)`` in $[0, 1]$; Y: 0/1 targets of the same shape; $m$ is the
    number of rows. The answer is a number.
    """
    rng = np.random.default_rng(4)
    A = rng.uniform(0.05, 0.95, size=(8, 1))
    Y = (rng.random((8, 1)) < 0.5).astype(np.float64)
    A3 = rng.uniform(0.05, 0.95, size=(5, 3))
    Y3 = (rng.random((5, 3)) < 0.5).astype(np.float64)
    reference = costs.binary_cross_entropy
    cases = [
        exact("a = 0.5 for 4 examples (the cost is log 2)", np.full((4, 1), 0.5),
              np.array([[1.0], [0.0], [1.0], [0.0]]), reference),
        exact("a random batch of 8 examples, one output each (shape (8, 1))", A, Y, reference),
        exact("5 examples with 3 outputs each (divide by m = 5 rows, not by 15 entries)",
              A3, Y3, reference),
        exact("perfect predictions of exactly 0 and 1 (the cost is about 0)",
              np.array([[1.0], [0.0], [1.0]]), np.array([[1.0], [0.0], [1.0]]), reference),
        confident_mistake("confident mistakes, a = 0 for y = 1 and a = 1 for y = 0",
                          np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])),
    ]
    run_check("binary_cross_entropy", capped(binary_cross_entropy), cases,
              hint="m = A.shape[0]; clip A into [eps, 1 - eps] with a tiny eps (e.g. 1e-12) "
                   "before taking logs, then -(1/m) * sum(Y*log(A) + (1-Y)*log(1-A)).")


def check_categorical_cross_entropy(categorical_cross_entropy):
    r"""Check the learner's ``categorical_cross_entropy(A, Y)``:
    $J = -\frac{1}{m} \sum_i \sum_k y_{ik} \log a_{ik}$, finite when some $a_{ik}$ are 0.

    A: predicted probabilities ``(m, n_classes)``, each row sums to 1; Y: one-hot rows of the
    same shape. The answer is a number.
    """
    rng = np.random.default_rng(5)
    logits = rng.standard_normal((6, 4)) * 2
    A = np.exp(costs.log_softmax(logits))
    Y = np.eye(4)[rng.integers(0, 4, size=6)]
    reference = costs.categorical_cross_entropy
    cases = [
        exact("uniform predictions over 10 classes (the cost is log 10)",
              np.full((3, 10), 0.1), np.eye(10)[[2, 7, 7]], reference),
        exact("a random batch of 6 examples and 4 classes", A, Y, reference),
        exact("one example, A of shape (1, 4)", A[:1], Y[:1], reference),
        exact("perfect one-hot predictions, with probabilities of exactly 0 for the wrong "
              "classes (0 * log 0 must count as 0, not NaN)",
              np.eye(3)[[0, 2, 1]], np.eye(3)[[0, 2, 1]], reference),
        confident_mistake("a probability of exactly 0 for the true class",
                          np.array([[0.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 0.0]])),
    ]
    run_check("categorical_cross_entropy", capped(categorical_cross_entropy), cases,
              hint="m = A.shape[0]; clip A into [eps, 1] with a tiny eps (e.g. 1e-12) before "
                   "taking logs, then -(1/m) * sum(Y * log(A)).")
