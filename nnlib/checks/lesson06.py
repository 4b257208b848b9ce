r"""Checks for lesson 06, initialization: ``init_std`` and ``he_init``.

``init_std`` is deterministic and is compared with :func:`nnlib.initialization.init_scale`.
Weights are random, so ``he_init``'s check measures them instead of comparing numbers: the
shapes, the dtype, the mean and standard deviation of a large draw, the zero bias, and that the
draw comes from the ``rng`` it is given. With an int ``seed`` a check also runs hidden cases
of the same kinds, drawn from ``np.random.default_rng(seed)``.
"""

import numpy as np

from ..initialization import init_scale
from .core import Case, run_check, summarize
from .strict import hidden_rng, require_function, without_warnings

HINTS = {
    "lesson06-init-std": (
        "Each method is one row of the table above: look the method up and return its "
        "standard deviation for a layer with n_in inputs and n_out units.",
        r"zeros: 0; small: 0.01; Xavier: the square root of 2 / (n_in + n_out); "
        r"He: the square root of 2 / n_in.",
    ),
    "lesson06-he-init": (
        "A standard normal draw has standard deviation 1; multiplying every number by s gives "
        "standard deviation s. Draw with the generator you are given, in the shape of the "
        "layer's weights, and give the biases no randomness at all.",
        r"W = sqrt(2 / n_in) times a standard normal array of shape (n_in, n_out), converted "
        r"to float32; b = 0, shape (n_out,), float32; return the pair (W, b).",
    ),
}

METHODS = ("zeros", "small", "xavier", "he")


def check_init_std(init_std, *, seed=None):
    r"""Check the learner's ``init_std(method, n_in, n_out)``: the standard deviation of the
    weights of a layer with ``n_in`` inputs and ``n_out`` units, for ``method`` one of
    ``"zeros"``, ``"small"``, ``"xavier"`` and ``"he"``. The answer is a number.
    """
    sizes = [(784, 128), (3, 5), (100, 100), (16, 1)]
    hidden = hidden_rng(seed)
    if hidden:
        sizes += [tuple(int(n) for n in hidden.integers(1, 1000, size=2)) for _ in range(2)]
    notes = {"zeros": "every weight 0", "small": "the classic 0.01, whatever the sizes",
             "xavier": "uses both n_in and n_out", "he": "uses n_in only"}
    cases = [Case(f"init_std({method!r}, {n_in}, {n_out}) ({notes[method]})",
                  (method, n_in, n_out), init_scale(method, n_in, n_out))
             for n_in, n_out in sizes for method in METHODS]
    run_check("init_std", without_warnings(init_std, "look at the formula's signs"), cases,
              exercise="lesson06-init-std", rtol=1e-6, atol=1e-9)


def measure(he_init):
    """A function ``(n_in, n_out, seed, what) -> number or array`` that calls the learner's
    ``he_init(n_in, n_out, np.random.default_rng(seed))`` and measures ``what`` in its result.

    A result that is not a pair ``(W, b)`` is passed on as a description, so the failure
    message says what came back.
    """

    def call(n_in, n_out, seed, what):
        result = he_init(n_in, n_out, np.random.default_rng(seed))
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            return result if result is None else f"{summarize(result)} instead of (W, b)"
        W, b = (np.asarray(array) for array in result)
        if what in ("W.shape", "b.shape"):
            return np.array(W.shape if what == "W.shape" else b.shape)
        if what == "float32":
            return W.dtype.name == "float32" and b.dtype.name == "float32"
        if what == "std":
            return float(np.std(W))
        if what == "mean / std":  # about 0.0016 for 400,000 weights: allow 0.01
            ratio = float(np.mean(W) / np.std(W))
            return 0.0 if abs(ratio) < 0.01 else ratio
        if what == "b":
            return b
        same = he_init(n_in, n_out, np.random.default_rng(seed))[0]  # what == "same seed"
        return float(np.max(np.abs(W - np.asarray(same))))

    return call


def he_std_case(n_in, n_out, seed):
    """The standard deviation of a large draw must be sqrt(2 / n_in), within 2%."""
    expected = init_scale("he", n_in, n_out)
    return Case(f"he_init({n_in}, {n_out}, rng): the standard deviation of W, sqrt(2 / {n_in}) "
                f"= {expected:.4f} (within 2%)", (n_in, n_out, seed, "std"), expected)


def check_he_init(he_init, *, seed=None):
    r"""Check the learner's ``he_init(n_in, n_out, rng)``: $W \sim \mathcal N(0, 2 / n_{in})$
    of shape ``(n_in, n_out)`` and dtype float32, and ``b`` zeros ``(n_out,)`` float32.

    rng: a ``numpy.random.Generator``; the answer is the pair ``(W, b)``.
    """
    require_function("he_init", he_init, "lesson06-he-init")  # measure() is always callable
    cases = [
        Case("he_init(3, 5, rng), W.shape (should be (3, 5))", (3, 5, 0, "W.shape"),
             np.array([3, 5])),
        Case("he_init(3, 5, rng), b.shape (should be (5,))", (3, 5, 0, "b.shape"), np.array([5])),
        Case("he_init(784, 1, rng), W.shape (should be (784, 1))", (784, 1, 1, "W.shape"),
             np.array([784, 1])),
        Case("he_init(3, 5, rng): W and b both float32 (1 = yes, 0 = no)",
             (3, 5, 2, "float32"), True),
        Case("he_init(3, 5, rng): b all zeros", (3, 5, 3, "b"), np.zeros(5)),
        he_std_case(1000, 400, 4),
        he_std_case(50, 2000, 6),
        Case("he_init(1000, 400, rng): the mean of W divided by its standard deviation "
             "(within 0.01 of 0 for weights centred on 0)", (1000, 400, 7, "mean / std"), 0.0),
        Case("he_init(10, 20, rng) twice with the same seed: the largest difference between "
             "the two W (draw with the rng you are given)", (10, 20, 5, "same seed"), 0.0),
    ]
    hidden = hidden_rng(seed)
    for _ in range(2 if hidden else 0):
        n_in, n_out = int(hidden.integers(200, 2000)), int(hidden.integers(200, 500))
        cases.append(he_std_case(n_in, n_out, int(hidden.integers(2**31))))
        cases.append(Case(f"he_init({n_in}, {n_out}, rng), W.shape", (n_in, n_out, 0, "W.shape"),
                          np.array([n_in, n_out])))
    run_check("he_init", without_warnings(measure(he_init), "look at the scale's formula"),
              cases, exercise="lesson06-he-init", rtol=0.02, atol=1e-7)
