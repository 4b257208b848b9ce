"""The machinery behind every exercise check: run the learner's function on several cases
and compare with the expected answer.

A check prints one pass line, or raises :class:`CheckFailed` (an ``AssertionError``, so
nbgrader and pytest count it as a failure) saying which case failed, what was expected, what
was given, and a hint. It never shows the reference code, and a learner's exception (including
the ``NotImplementedError`` of an unfinished exercise) becomes a clear failure, not a crash.
In IPython and Jupyter its traceback shows the learner's own lines only, never the code of
the checks.
"""

import types
from collections import namedtuple
from pathlib import Path

import numpy as np

Case = namedtuple("Case", ["description", "args", "expected"])
Case.__doc__ = """One test case: a description, the arguments to call with, the expected result."""


CHECKS_FOLDER = Path(__file__).resolve().parent  # the code a failed check does not show


class CheckFailed(AssertionError):
    """An exercise check did not pass; the message says why and how to fix it.

    raised: the exception the learner's function raised, if that is why the check failed;
    the traceback then shows where in the learner's code it happened.
    """

    def __init__(self, message, *, raised=None):
        super().__init__(message)
        self.raised = raised

    def _render_traceback_(self):
        """What IPython and Jupyter show for a failed check (IPython calls this instead of
        formatting the traceback itself): the learner's lines, the call of the check and,
        if the learner's function raised, the lines it raised from, then the message. The
        frames of the checks are left out: they are not the learner's to fix, and they would
        show the reference code."""
        entries = learner_entries(self.__traceback__)
        if self.raised is not None:
            entries += learner_entries(self.raised.__traceback__)
        shown = rebuild(entries)
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:  # called by hand, outside IPython
            import traceback

            return traceback.format_exception(type(self), self, shown)
        return shell.InteractiveTB.structured_traceback(type(self), self, shown)


def learner_entries(tb):
    """The entries of the traceback ``tb`` whose code is not in nnlib.checks, in order."""
    entries = []
    while tb is not None:
        if CHECKS_FOLDER not in Path(tb.tb_frame.f_code.co_filename).resolve().parents:
            entries.append(tb)
        tb = tb.tb_next
    return entries


def rebuild(entries):
    """One traceback made of ``entries`` (traceback objects), in their order."""
    tb = None
    for entry in reversed(entries):
        tb = types.TracebackType(tb, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return tb


def summarize(value):
    """A short description of a value for a failure message: shape, dtype and a few numbers."""
    if isinstance(value, np.ndarray):
        flat = np.array2string(value.ravel()[:6], precision=4, separator=", ")
        more = ", ..." if value.size > 6 else ""
        return f"array of shape {value.shape}, dtype {value.dtype}: {flat[:-1]}{more}]"
    return f"{type(value).__name__} {value!r}"


def compare(got, expected, rtol=1e-4, atol=1e-6):
    """``None`` if ``got`` matches ``expected`` (numbers or arrays, same shape), else the
    reason it does not. A tuple ``expected`` means several values returned together."""
    if got is None:
        return "got None (did you forget to `return` the result?)"
    several = isinstance(expected, tuple) and any(
        isinstance(e, (np.ndarray, tuple, list, dict)) for e in expected)
    if several and isinstance(got, np.ndarray):
        return f"expected {len(expected)} values (a tuple), got {summarize(got)}"
    if isinstance(expected, (tuple, list)) and not isinstance(got, np.ndarray):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} values, got {summarize(got)}"
        for index, (g, e) in enumerate(zip(got, expected)):
            reason = compare(g, e, rtol, atol)
            if reason:
                return f"value {index}: {reason}"
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = sorted(got) if isinstance(got, dict) else None
            return f"expected a dict with keys {sorted(expected)}, got {keys or summarize(got)}"
        for key in expected:
            reason = compare(got[key], expected[key], rtol, atol)
            if reason:
                return f"{key!r}: {reason}"
        return None
    try:
        got_array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected numbers, got {summarize(got)}"
    try:
        expected_array = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):  # several values of different shapes
        return f"expected {len(expected)} values, got {summarize(got)}"
    if got_array.shape != expected_array.shape:
        return f"expected shape {expected_array.shape}, got shape {got_array.shape}"
    if not np.all(np.isfinite(got_array)):
        return f"the result contains NaN or infinity: {summarize(np.asarray(got))}"
    if not np.allclose(got_array, expected_array, rtol=rtol, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(got_array - expected_array)), got_array.shape)
        return (f"at index {tuple(int(i) for i in worst)} expected "
                f"{expected_array[worst]:.6g}, got {got_array[worst]:.6g}")
    return None


def copy_args(args):
    """Fresh copies of array arguments, so a function that writes into its input cannot
    spoil the next case."""
    return tuple(
        {k: np.copy(v) for k, v in a.items()} if isinstance(a, dict)
        else np.copy(a) if isinstance(a, np.ndarray) else a
        for a in args
    )


def run_check(title, function, cases, hint=None, rtol=1e-4, atol=1e-6, *, exercise=None):
    """Call ``function(*case.args)`` for every case and compare with ``case.expected``.

    hint: what a failure message ends with; by default the exercise's first hint from
    :mod:`nnlib.checks.hints` (``exercise`` is its id, e.g. ``"lesson03-forward-propagation"``).
    Prints ``"✔ title: all N cases passed."`` or raises :class:`CheckFailed`.
    """
    if hint is None:
        from .hints import first_hint

        hint = first_hint(exercise)
    if not callable(function):
        raise CheckFailed(f"✘ {title}: expected a function, got {summarize(function)}.")
    for case in cases:
        try:
            got = function(*copy_args(case.args))
        except NotImplementedError:
            raise CheckFailed(
                f"✘ {title}: not implemented yet. Replace `raise NotImplementedError` with "
                f"your code, run that cell, then run this check again. Hint: {hint}"
            ) from None
        except Exception as error:  # the learner's bug must not crash the check
            raise CheckFailed(
                f"✘ {title}: on {case.description}, your function raised "
                f"{type(error).__name__}: {error}. Hint: {hint}", raised=error
            ) from None
        reason = compare(got, case.expected, rtol, atol)
        if reason:
            raise CheckFailed(f"✘ {title}: on {case.description}, {reason}. Hint: {hint}")
    print(f"✔ {title}: all {len(cases)} cases passed.")
