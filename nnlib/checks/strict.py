"""Helpers shared by the checks of several lessons: warnings count as failures, hidden cases
come from the grader's seed, and a result must keep its input's dtype.

A check calls the learner's function through :func:`without_warnings`, so a formula that
overflows or takes ``log 0`` fails with a message that says so, even when its final answer
happens to be right. NumPy's error state is set to ``"warn"`` for that call only (never
``"ignore"``), so a learner's ``np.seterr(all="ignore")`` cannot hide the problem either.
"""

import functools
import warnings

import numpy as np

from .core import summarize


def without_warnings(function, why):
    """Wrap ``function`` so that any warning it triggers is raised as a ``RuntimeWarning``
    whose message adds ``why`` (what the learner should look at)."""
    @functools.wraps(function)
    def wrapped(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(divide="warn", over="warn", invalid="warn"):
                try:
                    return function(*args)
                except Warning as warning:
                    raise RuntimeWarning(f"{warning} ({why})") from None
    return wrapped


def hidden_rng(seed):
    """The generator of the hidden cases, or ``None`` when there are none (``seed=None``).

    Raises ``TypeError`` for a seed that is not an integer.
    """
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be None (the visible cases only) or an int, "
                        f"got {type(seed).__name__} {seed!r}.")
    return np.random.default_rng(int(seed))


def keeping_dtype(function, name="z"):
    """Wrap ``function(x, ...)`` so that a result whose dtype differs from ``x``'s comes back
    as a description of the problem (the check reports it) instead of the numbers."""
    @functools.wraps(function)
    def wrapped(x, *args):
        result = function(x, *args)
        if isinstance(result, np.ndarray) and result.dtype != np.asarray(x).dtype:
            return (f"{summarize(result)}: the result should keep the dtype of {name} "
                    f"({np.asarray(x).dtype}), not turn it into {result.dtype}")
        return result
    return wrapped
