"""Checks for the grader's own tests: each follows the course's convention
``check_name(fn, *, seed=None)`` (with a seed, hidden cases drawn from it too) and exercises
one thing the grader must carry between its process and a learner's kernel."""

import warnings

import numpy as np

from nnlib.activations import relu
from nnlib.activations import sigmoid as reference_sigmoid
from nnlib.checks.core import Case, run_check


def check_double(double, *, seed=None):
    """``double(x)`` is ``2 * x``; hidden cases: random vectors."""
    cases = [Case("x = [1, 2, 3]", (np.array([1.0, 2.0, 3.0]),), np.array([2.0, 4.0, 6.0]))]
    if seed is not None:
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(int(rng.integers(2, 6)))
        cases.append(Case("a hidden random vector", (x,), 2 * x))
    run_check("double", double, cases, hint="multiply by two")


def check_squash(squash, *, seed=None):
    """``squash(z)`` is the sigmoid, with no warning even for z = ±1000 (a warning fails)."""
    z = np.array([-1000.0, -1.0, 0.0, 2.0, 1000.0])
    if seed is not None:
        z = np.concatenate([z, np.random.default_rng(seed).normal(0, 50, 4)])

    def strict(values):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return squash(values)

    run_check("squash", strict, [Case("z from -1000 to 1000", (z,), reference_sigmoid(z))],
              hint="use the stable form")


def check_apply(apply, *, seed=None):
    """``apply(f, x)`` is ``f(x)``, given nnlib's relu as ``f``."""
    x = np.array([-2.0, 0.5, 3.0])
    run_check("apply", apply, [Case("f = nnlib's relu", (relu, x), relu(x))], hint="call f")


def check_scale_in_place(scale_in_place, *, seed=None):
    """``scale_in_place(x)`` doubles ``x`` in place (what the caller's array holds after)."""

    def after(x):
        scale_in_place(x)
        return x

    run_check("scale_in_place", after, [Case("x = [1, -2]", (np.array([1.0, -2.0]),),
                                             np.array([2.0, -4.0]))], hint="x *= 2")


def check_draw(draw, *, seed=None):
    """``draw(rng, n)`` is ``rng.standard_normal(n)``; two calls on one generator continue
    its stream, so the generator must come back advanced."""

    def twice(start, n):
        rng = np.random.default_rng(start)
        return draw(rng, n), draw(rng, n)

    expected_rng = np.random.default_rng(4)
    expected = (expected_rng.standard_normal(3), expected_rng.standard_normal(3))
    run_check("draw", twice, [Case("two draws of 3 from default_rng(4)", (4, 3), expected)],
              hint="use the rng")
