r"""Checks for lesson 04, the cost: ``binary_cross_entropy``, ``categorical_cross_entropy``
and ``compute_cost``.

The checks run in float32, the dtype of MNIST-sized networks, where $1 - 10^{-12}$ rounds to
exactly 1: a clip at $10^{-12}$ leaves a prediction of 1 at 1 and the log sees 0. Every warning
counts as a failure (checked, never silenced). The expected answers come from
:mod:`nnlib.costs`. For predictions of exactly 0 and 1 the exact cost depends on the $\epsilon$
the learner clips with, so those cases ask only for what any good $\epsilon$ gives: about 0
for perfect predictions, a finite cost of at least ``LARGE`` for confident mistakes.
With an int ``seed`` a check also runs hidden cases of the same kinds.
"""

import functools

import numpy as np

from .. import activations, costs
from .core import Case, run_check
from .strict import hidden_rng, without_warnings

# A confident mistake must cost at least this much: -log(eps) >= 10 for any eps <= 4.5e-5.
LARGE = 10.0
# A perfect prediction may cost at most this much: -log(1 - eps) for eps up to about 1e-5.
NEAR_ZERO = 1e-5
F32 = np.float32

HINTS = {
    "lesson04-binary-cross-entropy": (
        "Average, over the m examples (rows), the log-probability the predictions give to the "
        "true labels, with a minus sign. Before taking logs, keep the predictions a tiny "
        "distance away from 0 and from 1, a distance that float32 can still represent next "
        "to 1.",
        r"J = -(1/m) sum over all entries of [y log a + (1 - y) log(1 - a)], with a clipped "
        r"into [eps, 1 - eps] and eps the machine epsilon of A's dtype (np.finfo), "
        r"about 1.2e-7 in float32.",
        "A NaN or a warning on predictions of exactly 1 means 1 - eps rounded to 1 in float32: "
        "1e-12 is too small an eps there.",
    ),
    "lesson04-categorical-cross-entropy": (
        "Only the probability given to the true class counts; a wrong class with probability "
        "exactly 0 must add nothing, so keep the logs away from 0.",
        r"J = -(1/m) sum over i and k of y_ik log a_ik, with the probabilities clipped from "
        r"below at a tiny eps (the machine epsilon of A's dtype) before the log.",
        "A NaN means 0 * log 0 happened: clip before the log, not after.",
    ),
    "lesson04-compute-cost": (
        "compute_cost only chooses: it calls one of the three costs defined in this lesson, "
        "named by the argument cost, or by the number of output columns when cost is None.",
        "cost None: binary cross-entropy when the output has one column (one sigmoid unit), "
        "categorical cross-entropy when it has several (a softmax); 'mse', "
        "'binary_cross_entropy' and 'categorical_cross_entropy' name the three costs.",
    ),
}


def measured(cost_function, why):
    """Wrap ``cost_function(A, Y)`` as ``wrapped(A, Y, kind)`` for the three kinds of case:
    ``"exact"`` returns the cost; ``"perfect"`` returns 0 for a cost in ``[0, NEAR_ZERO]``;
    ``"mistake"`` returns ``LARGE`` for a finite cost of at least ``LARGE``. Anything else
    (NaN, infinity, not one number) passes through unchanged, so the check reports it. Every
    warning is an error. Something that is not a function is returned as it is, for the
    check to report."""
    if not callable(cost_function):
        return cost_function
    strict = without_warnings(cost_function, why)

    @functools.wraps(cost_function)
    def wrapped(A, Y, kind):
        cost = strict(A, Y)
        if kind == "exact" or cost is None or np.ndim(cost) != 0:
            return cost
        try:
            value = float(cost)
        except (TypeError, ValueError):
            return cost
        if kind == "perfect" and 0 <= value <= NEAR_ZERO:
            return 0.0
        if kind == "mistake" and np.isfinite(value) and value >= LARGE:
            return LARGE
        return value
    return wrapped


def exact(description, A, Y, reference):
    """A case whose answer is ``reference(A, Y)``."""
    return Case(description, (A, Y, "exact"), reference(A, Y))


def perfect(description, A, Y):
    """A case of perfect predictions, which must cost about 0."""
    return Case(f"{description}: the cost must be about 0, at most {NEAR_ZERO:g}",
                (A, Y, "perfect"), 0.0)


def mistake(description, A, Y):
    """A case of a confident mistake, which must cost a finite amount of at least ``LARGE``."""
    return Case(f"{description}: the cost must be finite and at least {LARGE:g}",
                (A, Y, "mistake"), LARGE)


def binary_targets(rng, shape):
    """0/1 targets of ``shape`` in float32, with both labels present."""
    Y = (rng.random(shape) < 0.5).astype(F32)
    Y.flat[0], Y.flat[-1] = 1, 0
    return Y


def check_binary_cross_entropy(binary_cross_entropy, *, seed=None):
    r"""Check the learner's ``binary_cross_entropy(A, Y)``:
    $J = -\frac{1}{m} \sum \big[y \log a + (1 - y) \log(1 - a)\big]$, finite for $a \in \{0, 1\}$.

    A: float32 predictions ``(m, n_out)`` in $[0, 1]$; Y: 0/1 targets of the same shape; $m$
    is the number of rows. The answer is a number.
    """
    rng = np.random.default_rng(4)
    reference = costs.binary_cross_entropy
    A = rng.uniform(0.05, 0.95, size=(8, 1)).astype(F32)
    A3 = rng.uniform(0.05, 0.95, size=(5, 3)).astype(F32)
    saturated = activations.sigmoid(np.array([[2.0], [10.0], [17.0], [40.0]], dtype=F32))
    cases = [
        exact("a = 0.5 for 4 examples (the cost is log 2)", np.full((4, 1), 0.5, F32),
              np.array([[1], [0], [1], [0]], F32), reference),
        exact("a random batch of 8 examples, one output each (shape (8, 1))", A,
              binary_targets(rng, (8, 1)), reference),
        exact("5 examples with 3 outputs each (divide by m = 5 rows, not by 15 entries)",
              A3, binary_targets(rng, (5, 3)), reference),
        exact("predictions 0.9 for label 1 and 0.2 for label 0 (check the signs)",
              np.array([[0.9], [0.2]], F32), np.array([[1], [0]], F32), reference),
        exact("float32 a = sigmoid([2, 10, 17, 40]), the last two exactly 1, all labels 1",
              saturated, np.ones((4, 1), F32), reference),
        perfect("perfect float32 predictions of exactly 1 and 0",
                np.array([[1], [0], [1]], F32), np.array([[1], [0], [1]], F32)),
        mistake("float32 a = sigmoid([17, 40]), both exactly 1, labels 0",
                saturated[2:], np.zeros((2, 1), F32)),
        mistake("confident mistakes, a = 0 for y = 1 and a = 1 for y = 0",
                np.array([[0], [1]], F32), np.array([[1], [0]], F32)),
    ]
    hidden = hidden_rng(seed)
    for _ in range(3 if hidden else 0):
        m, n = int(hidden.integers(2, 9)), int(hidden.integers(1, 4))
        A = hidden.uniform(0.01, 0.99, size=(m, n)).astype(F32)
        cases.append(exact(f"a hidden batch of shape ({m}, {n})", A,
                           binary_targets(hidden, (m, n)), reference))
    if hidden:
        Y = binary_targets(hidden, (3, 2))
        cases.append(perfect("hidden perfect predictions", Y.copy(), Y))
        cases.append(mistake("hidden confident mistakes", 1 - Y, Y))
    run_check("binary_cross_entropy",
              measured(binary_cross_entropy, "a log saw 0, or 0 * log 0 gave NaN"),
              cases, exercise="lesson04-binary-cross-entropy", rtol=1e-4, atol=1e-5)


def check_categorical_cross_entropy(categorical_cross_entropy, *, seed=None):
    r"""Check the learner's ``categorical_cross_entropy(A, Y)``:
    $J = -\frac{1}{m} \sum_i \sum_k y_{ik} \log a_{ik}$, finite when some $a_{ik}$ are 0.

    A: float32 probabilities ``(m, C)``, each row sums to 1; Y: one-hot rows of the same shape.
    The answer is a number.
    """
    rng = np.random.default_rng(5)
    reference = costs.categorical_cross_entropy
    A = activations.softmax(rng.standard_normal((6, 4)).astype(F32) * 2)
    cases = [
        exact("uniform predictions over 10 classes (the cost is log 10)",
              np.full((3, 10), 0.1, F32), np.eye(10, dtype=F32)[[2, 7, 7]], reference),
        exact("a random batch of 6 examples and 4 classes", A,
              np.eye(4, dtype=F32)[rng.integers(0, 4, size=6)], reference),
        exact("one example, A of shape (1, 4)", A[:1], np.eye(4, dtype=F32)[[3]], reference),
        perfect("perfect one-hot predictions, with probabilities of exactly 0 for the wrong "
                "classes (0 * log 0 must count as 0, not NaN)",
                np.eye(3, dtype=F32)[[0, 2, 1]], np.eye(3, dtype=F32)[[0, 2, 1]]),
        mistake("a probability of exactly 0 for the true class",
                np.array([[0, 1, 0]], F32), np.array([[1, 0, 0]], F32)),
    ]
    hidden = hidden_rng(seed)
    for _ in range(3 if hidden else 0):
        m, n = int(hidden.integers(1, 9)), int(hidden.integers(2, 11))
        A = activations.softmax(hidden.standard_normal((m, n)).astype(F32) * 3)
        Y = np.eye(n, dtype=F32)[hidden.integers(0, n, size=m)]
        cases.append(exact(f"a hidden batch of {m} examples and {n} classes", A, Y, reference))
    run_check("categorical_cross_entropy",
              measured(categorical_cross_entropy, "a log saw 0, or 0 * log 0 gave NaN"),
              cases, exercise="lesson04-categorical-cross-entropy")


def check_compute_cost(compute_cost, *, seed=None):
    r"""Check the learner's ``compute_cost(output, Y, cost=None)`` against
    :func:`nnlib.compute_cost`, on float32 predictions of moderate size.

    output: ``(m, n_out)``; Y: targets of the same shape; cost: ``None`` (binary
    cross-entropy for one output column, categorical for several), ``"mse"``,
    ``"binary_cross_entropy"`` or ``"categorical_cross_entropy"``. The answer is a number.
    """
    rng = np.random.default_rng(6)
    sigmoid_out = rng.uniform(0.05, 0.95, size=(4, 1)).astype(F32)
    y01 = binary_targets(rng, (4, 1))
    softmax_out = activations.softmax(rng.standard_normal((3, 4)).astype(F32))
    one_hot = np.eye(4, dtype=F32)[[1, 3, 0]]
    two = activations.softmax(rng.standard_normal((3, 2)).astype(F32))
    two_hot = np.eye(2, dtype=F32)[[1, 0, 1]]
    single = softmax_out[:1]
    inputs = [
        ("4 examples, 1 output column, cost=None (binary cross-entropy)",
         sigmoid_out, y01, None),
        ("3 examples, 4 output columns, cost=None (categorical cross-entropy)",
         softmax_out, one_hot, None),
        ("1 example, 4 output columns, cost=None (count the columns, not the rows)",
         single, one_hot[:1], None),
        ("3 examples, 2 output columns, cost=None (categorical cross-entropy)",
         two, two_hot, None),
        ("cost='mse' on 3 examples and 4 columns", softmax_out, one_hot, "mse"),
        ("cost='mse' on 4 examples and 1 column", sigmoid_out, y01, "mse"),
        ("cost='binary_cross_entropy' on 3 examples and 4 columns", softmax_out, one_hot,
         "binary_cross_entropy"),
        ("cost='categorical_cross_entropy' on 3 examples and 2 columns", two, two_hot,
         "categorical_cross_entropy"),
    ]
    hidden = hidden_rng(seed)
    for _ in range(3 if hidden else 0):
        m, n = int(hidden.integers(1, 9)), int(hidden.integers(1, 6))
        name = [None, "mse", "binary_cross_entropy", "categorical_cross_entropy"][
            int(hidden.integers(0, 4))]
        if n == 1:
            output, Y = hidden.uniform(0.05, 0.95, size=(m, 1)).astype(F32), (
                hidden.random((m, 1)) < 0.5).astype(F32)
        else:
            output = activations.softmax(hidden.standard_normal((m, n)).astype(F32))
            Y = np.eye(n, dtype=F32)[hidden.integers(0, n, size=m)]
        inputs.append((f"a hidden case: {m} examples, {n} columns, cost={name!r}",
                       output, Y, name))
    cases = [Case(description, (output, Y, name), costs.compute_cost(output, Y, cost=name))
             for description, output, Y, name in inputs]
    run_check("compute_cost", without_warnings(compute_cost, "see the cost that was chosen"),
              cases, exercise="lesson04-compute-cost")
