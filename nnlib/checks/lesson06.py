r"""Checks for lesson 06, initialization: ``he_init``.

Weights are random, so the check measures them instead of comparing numbers: the shapes,
the dtype, the standard deviation of a large draw (expected from
:func:`nnlib.initialization.init_scale`), the zero bias, and that the draw comes from the
``rng`` it is given.
"""

import numpy as np

from ..initialization import init_scale
from .core import Case, run_check, summarize


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
        if what == "b":
            return b
        same = he_init(n_in, n_out, np.random.default_rng(seed))[0]  # what == "same seed"
        return float(np.max(np.abs(W - np.asarray(same))))

    return call


def check_he_init(he_init):
    r"""Check the learner's ``he_init(n_in, n_out, rng)``: $W \sim \mathcal N(0, 2 / n_{in})$
    of shape ``(n_in, n_out)`` and dtype float32, and ``b`` zeros ``(n_out,)`` float32.

    rng: a ``numpy.random.Generator``; the answer is the pair ``(W, b)``.
    """
    if not callable(he_init):  # run_check explains what was passed instead of a function
        run_check("he_init", he_init, [], hint="")
    he_std = init_scale("he", 1000, 400)
    cases = [
        Case("he_init(3, 5, rng), W.shape (should be (3, 5))", (3, 5, 0, "W.shape"),
             np.array([3, 5])),
        Case("he_init(3, 5, rng), b.shape (should be (5,))", (3, 5, 0, "b.shape"), np.array([5])),
        Case("he_init(784, 1, rng), W.shape (should be (784, 1))", (784, 1, 1, "W.shape"),
             np.array([784, 1])),
        Case("he_init(3, 5, rng): W and b both float32 (1 = yes, 0 = no)",
             (3, 5, 2, "float32"), True),
        Case("he_init(3, 5, rng): b all zeros", (3, 5, 3, "b"), np.zeros(5)),
        Case(f"he_init(1000, 400, rng): the standard deviation of W, sqrt(2 / 1000) "
             f"= {he_std:.4f} (within 2%)", (1000, 400, 4, "std"), he_std),
        Case("he_init(10, 20, rng) twice with the same seed: the largest difference between "
             "the two W (draw with the rng you are given)", (10, 20, 5, "same seed"), 0.0),
    ]
    run_check("he_init", measure(he_init), cases,
              hint="draw W of shape (n_in, n_out) with rng.standard_normal, scale it by "
                   "sqrt(2 / n_in), make it float32; b is np.zeros(n_out, float32). "
                   "Return (W, b).", rtol=0.02, atol=1e-7)
