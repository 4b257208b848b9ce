"""What the checks of every lesson share beyond :mod:`~nnlib.checks.core`: warnings count as
failures, hidden cases come from the grader's seed, a result keeps its input's dtype, and an
answer can be judged by a property instead of one exact value.

- :func:`require_function` fails a check, with :func:`~nnlib.checks.core.run_check`'s message,
  when it is given something that is not a function (a check that wraps the learner's
  function in a measuring one calls it first, since the wrapper is always callable).
- :func:`without_warnings` wraps the learner's function so that a formula that overflows or
  takes ``log 0`` fails with a message that says so, even when its final answer happens to be
  right. NumPy's error state is ``"warn"`` for that call only (never ``"ignore"``), so a
  learner's ``np.seterr(all="ignore")`` cannot hide the problem either, and the warning
  filters and error state are as before once the call returns.
- :func:`hidden_rng` is the generator of a check's hidden cases (``seed=None``: none), and
  :func:`visible_and_hidden` a check's cases: the visible ones plus, with a seed, the hidden.
- :func:`run_strict_check` is :func:`~nnlib.checks.core.run_check` with warnings as failures
  and the dtype of the first argument kept.
- :func:`keeping_dtype` turns a result whose dtype differs from its input's into a sentence
  that the check reports (float32 stays float32, float64 stays float64).
- :func:`run_property_check` judges each answer with a function ``inspect(got) -> None | str``
  (random weights by their statistics, a cache by its keys, a gradient by what its error looks
  like), with the same pass line and :class:`~nnlib.checks.core.CheckFailed` as
  :func:`~nnlib.checks.core.run_check`.
"""

import contextlib
import functools
import io
import warnings

import numpy as np

from .core import CheckFailed, copy_args, run_check, summarize
from .hints import first_hint


@contextlib.contextmanager
def warnings_as_errors():
    """Within the block, every warning is raised as an exception and NumPy warns (rather than
    staying silent) on a division by zero, an overflow or an invalid value."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="warn", over="warn", invalid="warn"):
            yield


def require_function(title, function, exercise):
    """Raise :class:`~nnlib.checks.core.CheckFailed` ("expected a function, got ...") if
    ``function`` is not callable; do nothing otherwise."""
    if not callable(function):
        run_check(title, function, [], exercise=exercise)


def without_warnings(function, why=None):
    """Wrap ``function`` so that any warning it triggers is raised as a ``RuntimeWarning``
    whose message adds ``why`` (what the learner should look at). Something that is not a
    function is returned as it is, for the check to report."""
    if not callable(function):
        return function

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        with warnings_as_errors():
            try:
                return function(*args, **kwargs)
            except Warning as warning:  # keeps its traceback: the line that warned
                raise RuntimeWarning(f"{warning} ({why})" if why else str(warning)
                                     ).with_traceback(warning.__traceback__) from None
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


def visible_and_hidden(cases_of, seed):
    """The cases of a check: ``cases_of()`` (the visible ones) followed, when ``seed`` is an
    int, by ``cases_of(rng)``, hidden ones drawn from ``np.random.default_rng(seed)``."""
    cases = cases_of()
    hidden = hidden_rng(seed)
    if hidden is not None:
        cases += cases_of(hidden)
    return cases


def dtype_problem(result, dtype, name):
    """Why ``result`` (an array, or a tuple or list of them) does not keep ``dtype``, the
    dtype of the argument ``name``, or ``None``."""
    several = isinstance(result, (tuple, list))
    for index, value in enumerate(result if several else [result]):
        if isinstance(value, np.ndarray) and value.dtype != dtype:
            which = f"value {index} of the result" if several else "the result"
            return (f"{summarize(value)}: {which} should keep the dtype of {name} ({dtype}), "
                    f"not turn it into {value.dtype}")
    return None


def keeping_dtype(function, name="z"):
    """Wrap ``function(x, ...)`` so that a result (or an array in a returned tuple) whose dtype
    differs from ``x``'s comes back as a description of the problem, which the check reports,
    instead of the numbers."""
    if not callable(function):
        return function

    @functools.wraps(function)
    def wrapped(x, *args, **kwargs):
        result = function(x, *args, **kwargs)
        return dtype_problem(result, np.asarray(x).dtype, name) or result
    return wrapped


def run_strict_check(title, function, cases, *, exercise, first, why, rtol=1e-4, atol=1e-6):
    """:func:`~nnlib.checks.core.run_check` on ``function`` with every warning turned into an
    error (an overflow or a division by zero fails the check instead of passing silently;
    ``why`` says what to look at) and with the dtype of the argument named ``first`` kept in
    the result (see :func:`keeping_dtype`)."""
    run_check(title, without_warnings(keeping_dtype(function, first), why), cases,
              exercise=exercise, rtol=rtol, atol=atol)


def run_property_check(title, function, cases, *, exercise, calls=None):
    """Call ``function(*case.args)`` for every case and apply ``case.expected`` to the result.

    ``case.expected(got)`` returns ``None`` if ``got`` is right, else the reason it is wrong.
    A ``NotImplementedError``, another exception or a warning from ``function`` fails the check
    with the exercise's first hint, as in :func:`~nnlib.checks.core.run_check`.
    calls: optional, one function per case, ``call(fn, *case.args) -> got``, for a case that
    passes keyword arguments or calls the function more than once (``fn`` is the learner's
    function with warnings turned into errors).
    """
    require_function(title, function, exercise)
    results = []
    calls = calls or [None] * len(cases)
    strict = without_warnings(function)

    def fresh(*args, **kwargs):
        return strict(*copy_args(args), **kwargs)

    def recorded(*args):
        call = calls[len(results)]
        results.append(call(fresh, *args) if call else fresh(*args))
        return 0.0

    for case in cases:
        # run_check reports NotImplementedError and exceptions (warnings included) in the
        # course's words; the recorder keeps the result and returns 0.0, compared with 0.0.
        with contextlib.redirect_stdout(io.StringIO()):
            run_check(title, recorded, [case._replace(expected=0.0)], exercise=exercise)
        got = results[-1]
        reason = ("got None (did you forget to `return` the result?)" if got is None
                  else case.expected(got))
        if reason:
            raise CheckFailed(f"✘ {title}: on {case.description}, {reason}. "
                              f"Hint: {first_hint(exercise)}")
    print(f"✔ {title}: all {len(cases)} cases passed.")
