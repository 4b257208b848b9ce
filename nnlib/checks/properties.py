"""Checks whose answer is a property rather than one exact value.

Some exercises cannot be compared with a single expected array: random weights are judged by
their statistics, a cache by its keys and its arrays, a gradient by what its error looks like
(``m`` times too large, the sign flipped, a transposed shape). For those, each case's
``expected`` is a function ``inspect(got) -> None | str`` that returns ``None`` when the
learner's answer is right and otherwise a sentence saying what is wrong.

:func:`run_property_check` prints the same pass line and raises the same
:class:`~nnlib.checks.core.CheckFailed` as :func:`~nnlib.checks.core.run_check`. A warning
raised by the learner's function (an overflow in ``exp``, a division by zero, a ``log(0)``)
counts as a failure: the check turns warnings into errors while it runs the function and
restores the warning filters afterwards.
"""

import contextlib
import io
import warnings

from .core import CheckFailed, copy_args, run_check
from .hints import first_hint


def call_strictly(function, args, kwargs=None):
    """``function(*args, **kwargs)`` with every warning raised as an error (the warning
    filters are restored afterwards)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*copy_args(args), **(kwargs or {}))


def run_property_check(title, function, cases, *, exercise, calls=None):
    """Call ``function(*case.args)`` for every case and apply ``case.expected`` to the result.

    ``case.expected(got)`` returns ``None`` if ``got`` is right, else the reason it is wrong.
    A ``NotImplementedError``, another exception or a warning from ``function`` fails the check
    with the exercise's first hint, as in :func:`~nnlib.checks.core.run_check`.
    calls: optional, one function per case, ``call(fn, *case.args) -> got``, for a case that
    passes keyword arguments or calls the function more than once (``fn`` is the learner's
    function with warnings turned into errors).
    """
    if not callable(function):
        run_check(title, function, cases, exercise=exercise)  # raises its "expected a function"
    results = []
    calls = calls or [None] * len(cases)

    def strict(*args, **kwargs):
        return call_strictly(function, args, kwargs)

    def recorded(*args):
        call = calls[len(results)]
        results.append(call(strict, *args) if call else strict(*args))
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
