r"""Checks for lesson 02, activation functions: ``relu_derivative`` and a stable ``sigmoid``.

The expected answers come from :mod:`nnlib.activations`. Both checks run the learner's
function with every warning turned into an error, so a formula whose ``exp`` overflows fails
with a message that says so instead of passing with a warning. Both include float32 inputs,
whose dtype the answer must keep. With an int ``seed`` a check also runs hidden cases of the
same kinds, drawn from ``np.random.default_rng(seed)``.
"""

import numpy as np

from .. import activations
from .core import Case, run_check
from .strict import hidden_rng, keeping_dtype, without_warnings

HINTS = {
    "lesson02-relu-derivative": (
        "The slope of max(0, z) is 1 where the line goes up and 0 where it is flat; at z = 0 "
        "this course takes 0. Compare every entry of z with 0 at once, with no loop.",
        "relu'(z) = 1 if z > 0, else 0. A comparison gives an array of True/False values; "
        "converting it to the dtype of z turns them into 1.0/0.0 (float32 stays float32).",
    ),
    "lesson02-stable-sigmoid": (
        "Use each of the two equal forms of the sigmoid only where its exponential cannot "
        "overflow, and choose between them element by element.",
        r"Both forms can be built from e = exp(-|z|), which lies in (0, 1]: for z >= 0, "
        r"sigma(z) = 1 / (1 + e); for z < 0, sigma(z) = e / (1 + e).",
        "If the check reports an overflow, some np.exp still sees a large positive number. "
        "If it reports the wrong dtype, a float64 constant or function crept in.",
    ),
}


def cases_of_activation(reference, rng, seed):
    """The cases shared by both checks: small, zero, large and random inputs, in float64
    and float32, each expected to equal ``reference(z)``."""
    small = np.array([-2.0, -0.5, 0.0, 0.25, 0.5, 2.0])
    large = np.array([-1e4, -1000.0, -50.0, 50.0, 1000.0, 1e4])
    Z = rng.uniform(-6, 6, size=(4, 3))
    inputs = [
        ("z = [-2, -0.5, 0, 0.25, 0.5, 2]", small),
        ("large inputs z = [-1e4, -1000, -50, 50, 1000, 1e4]", large),
        ("all zeros, shape (2, 2)", np.zeros((2, 2))),
        ("a random batch of shape (4, 3)", Z),
        ("float32 inputs [-1e4, -89, -10, -0.5, 0, 0.5, 10, 89, 1e4] (the answer stays float32)",
         np.array([-1e4, -89.0, -10.0, -0.5, 0.0, 0.5, 10.0, 89.0, 1e4], dtype=np.float32)),
        ("a random float32 batch of shape (3, 5)",
         rng.uniform(-30, 30, size=(3, 5)).astype(np.float32)),
    ]
    hidden = hidden_rng(seed)
    for _ in range(3 if hidden else 0):
        shape = tuple(int(k) for k in hidden.integers(1, 6, size=int(hidden.integers(1, 3))))
        dtype = np.float32 if hidden.random() < 0.5 else np.float64
        z = (hidden.standard_normal(shape) * 10 ** hidden.uniform(0, 4)).astype(dtype)
        inputs.append((f"a hidden {np.dtype(dtype).name} batch of shape {shape}", z))
    return [Case(description, (z,), reference(z)) for description, z in inputs]


def check_relu_derivative(relu_derivative, *, seed=None):
    r"""Check the learner's ``relu_derivative(z)``: $1$ where $z > 0$, else $0$.

    z: an array of any shape; the answer has the same shape and dtype (the derivative at 0 is
    taken to be 0).
    """
    cases = cases_of_activation(activations.relu_derivative, np.random.default_rng(3), seed)
    function = without_warnings(keeping_dtype(relu_derivative),
                                "relu' needs only a comparison, no arithmetic")
    run_check("relu_derivative", function, cases, exercise="lesson02-relu-derivative")


def check_sigmoid(sigmoid, *, seed=None):
    r"""Check the learner's ``sigmoid(z)``: $1 / (1 + e^{-z})$ element-wise, with no overflow.

    z: an array of any shape; the answer has the same shape and dtype. Cases include
    $z = \pm 10^4$, where the naive formula makes ``np.exp`` overflow and warn.
    """
    cases = cases_of_activation(activations.sigmoid, np.random.default_rng(2), seed)
    function = without_warnings(keeping_dtype(sigmoid),
                                "NumPy warned, so the formula overflowed on the way: a stable "
                                "sigmoid gives the right answer for any z with no warning")
    run_check("sigmoid", function, cases, exercise="lesson02-stable-sigmoid",
              rtol=1e-5, atol=1e-7)
