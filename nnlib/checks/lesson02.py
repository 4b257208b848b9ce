r"""Checks for lesson 02, activation functions: a stable ``sigmoid`` and ``relu_derivative``.

The expected answers come from :mod:`nnlib.activations`. The sigmoid check runs the
learner's function with every warning turned into an error, so a formula whose ``exp``
overflows fails with a message that says so instead of passing with a warning.
"""

import functools
import warnings

import numpy as np

from .. import activations
from .core import Case, run_check


def without_warnings(function):
    """Wrap ``function`` so that any warning it triggers is raised as a ``RuntimeWarning``
    whose message explains why the check counts it as a failure."""
    @functools.wraps(function)
    def wrapped(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                return function(*args)
            except Warning as warning:
                raise RuntimeWarning(
                    f"{warning} (NumPy warned, so the formula overflowed on the way: a stable "
                    f"sigmoid gives the right answer for any z with no warning)"
                ) from None
    return wrapped


def check_sigmoid(sigmoid):
    r"""Check the learner's ``sigmoid(z)``: $1 / (1 + e^{-z})$ element-wise, with no overflow.

    z: an array of any shape; the answer has the same shape. Cases include $z = \pm 10^4$,
    where the naive formula makes ``np.exp`` overflow and warn.
    """
    rng = np.random.default_rng(2)
    Z = rng.uniform(-6, 6, size=(4, 3))
    small = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    large = np.array([-1e4, -1000.0, -50.0, 50.0, 1000.0, 1e4])
    cases = [
        Case("z = [0] (sigmoid(0) = 0.5)", (np.zeros(1),), np.array([0.5])),
        Case("z = [-2, -1, 0, 1, 2]", (small,), activations.sigmoid(small)),
        Case("large inputs z = [-1e4, -1000, -50, 50, 1000, 1e4]", (large,),
             activations.sigmoid(large)),
        Case("a random batch of shape (4, 3)", (Z,), activations.sigmoid(Z)),
    ]
    run_check("sigmoid", without_warnings(sigmoid), cases,
              hint="for z < 0 use the equal form e^z / (1 + e^z), so np.exp only ever sees "
                   "-|z| <= 0 (np.where picks the form for each element).")


def check_relu_derivative(relu_derivative):
    r"""Check the learner's ``relu_derivative(z)``: $1$ where $z > 0$, else $0$.

    z: an array of any shape; the answer has the same shape (the derivative at 0 is taken
    to be 0).
    """
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((3, 4))
    mixed = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    large = np.array([-1e4, 1e4])
    cases = [
        Case("z = [-2, -0.5, 0, 0.5, 2] (the derivative at 0 is 0)", (mixed,),
             activations.relu_derivative(mixed)),
        Case("large inputs z = [-1e4, 1e4]", (large,), activations.relu_derivative(large)),
        Case("all zeros, shape (2, 2)", (np.zeros((2, 2)),), np.zeros((2, 2))),
        Case("a random batch of shape (3, 4)", (Z,), activations.relu_derivative(Z)),
    ]
    run_check("relu_derivative", relu_derivative, cases,
              hint="an array shaped like z, 1.0 where z > 0 and 0.0 elsewhere; a comparison "
                   "with 0 gives True/False values, which convert to 1.0/0.0.")
