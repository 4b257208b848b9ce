"""Grade one submission against its source lesson, trusting nothing the notebook prints.

1. The submission's graded check cells and locked cells are replaced by the source lesson's
   (matched by nbgrader ``grade_id``); what was restored is reported.
2. The notebook runs in its own kernel (:mod:`nnlib.grading.kernel`); the learner's function
   of each exercise is kept just before its check cell.
3. Each check runs here, in the grader's process, on a stand-in that calls the learner's
   function in the kernel: ``check_name(proxy, seed=seed)``, so the check also runs the hidden
   cases drawn from ``seed``. Only what the learner's function returns on the grader's inputs
   counts; a check cell edited or nnlib's checks patched in the kernel change nothing.
4. A function that runs the nnlib function it is meant to replace is flagged (not scored 0).
"""

import contextlib
import importlib
import inspect
import io
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .kernel import CannotSend, GradingStopped, KernelFunction, KernelSession, NotebookTimeout
from .notebook import exercises, grade_ids, restore
from .wire import WireError, function_name

NOT_REFERENCES = ("nnlib.checks", "nnlib.grading", "nnlib.widgets")


@dataclass
class Result:
    """The grade of one submission.

    points / possible: ``{exercise id: points}``; failures: ``{exercise id: message}``;
    flags: what an instructor should look at (a call of nnlib's reference); notes: what the
    grader restored or could not do; error: why the whole notebook scored 0, if it did.
    """

    learner: str
    lesson: str
    path: str
    seed: int | None
    points: dict = field(default_factory=dict)
    possible: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    error: str | None = None

    @property
    def total(self):
        return sum(self.points.values())

    @property
    def max_total(self):
        return sum(self.possible.values())


def _is_reference(value):
    module = getattr(value, "__module__", "") or ""
    return (isinstance(value, types.FunctionType) and module.startswith("nnlib.")
            and not module.startswith(NOT_REFERENCES))


def references(check, function_name_in_lesson):
    """The nnlib functions an exercise replaces, as ``"module:qualname"`` names: those the
    check (and the helpers of its module it calls) computes its expected answers with, and
    nnlib's functions of the same name as the learner's."""
    found, seen, codes = set(), set(), [check.__code__]
    module_globals = check.__globals__
    names = set()
    while codes:
        code = codes.pop()
        if code in seen:
            continue
        seen.add(code)
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        for name in code.co_names:
            value = module_globals.get(name)
            if isinstance(value, types.FunctionType) and value.__module__ == check.__module__:
                codes.append(value.__code__)
    for name in names:
        value = module_globals.get(name)
        if _is_reference(value):
            found.add(value)
        elif isinstance(value, types.ModuleType) or isinstance(value, type):
            if (getattr(value, "__name__", "").startswith("nnlib.")
                    or getattr(value, "__module__", "").startswith("nnlib.")):
                found.update(getattr(value, n) for n in names
                             if _is_reference(getattr(value, n, None)))
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("nnlib.") and not module_name.startswith(NOT_REFERENCES):
            value = getattr(module, function_name_in_lesson, None)
            if _is_reference(value):
                found.add(value)
    named = set()
    for value in found:
        try:
            named.add(function_name(value))
        except WireError:
            pass
    return sorted(named)


def load_notebook(path):
    """The notebook at ``path``, or ``(None, reason)`` if it is not a readable notebook."""
    try:
        return nbformat.read(path, as_version=4), None
    except Exception as error:  # invalid JSON, not a notebook, unreadable file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return None, f"not a valid notebook ({type(error).__name__}: {reason[:200]})"


def _run_check(check, proxy, seed, notes):
    """``(passed, message)`` of one check run on the stand-in."""
    kwargs = {}
    if "seed" in inspect.signature(check).parameters:
        kwargs["seed"] = seed
    elif seed is not None:
        notes.append(f"{check.__name__} has no hidden cases (it takes no seed)")
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            check(proxy, **kwargs)
    except CannotSend as error:
        return False, f"the grader could not send the check's arguments to the kernel: {error}"
    except AssertionError as failure:  # CheckFailed
        return False, str(failure).splitlines()[0] if str(failure) else "the check failed"
    except Exception as error:
        return False, f"the check could not run: {type(error).__name__}: {error}"
    return True, output.getvalue().strip().splitlines()[-1] if output.getvalue() else "passed"


def grade_submission(path, source_path, seed=None, timeout=1800, learner=None, lesson=None):
    """Grade the notebook at ``path`` against the source lesson at ``source_path``.

    seed: the hidden-case seed given to every check that takes one; timeout: seconds for the
    whole notebook (running it and every check). Never raises for a bad submission: an
    unreadable notebook, a hang or a dead kernel gives a :class:`Result` with 0 points and
    ``error`` saying why.
    """
    path, source_path = Path(path), Path(source_path)
    deadline = time.monotonic() + timeout
    source = nbformat.read(source_path, as_version=4)
    lesson_exercises = exercises(source, source_path.name)
    result = Result(learner=learner or path.stem, lesson=lesson or source_path.stem,
                    path=str(path), seed=seed)
    for exercise in lesson_exercises:
        result.possible[exercise.grade_id] = exercise.points
        result.points[exercise.grade_id] = 0.0
    submission, reason = load_notebook(path)
    if submission is None:
        result.error = reason
        return result
    present = grade_ids(submission)
    restored, notes = restore(submission, source)
    result.notes.extend(notes)
    graded = []
    for exercise in lesson_exercises:
        if exercise.grade_id not in present:
            result.failures[exercise.grade_id] = "its solution cell is missing from the notebook"
        else:
            graded.append(exercise)
    capture = {e.check_id: (e.grade_id, e.function) for e in graded}
    try:
        with KernelSession(restored, source_path.parent, deadline, capture) as session:
            defined = session.run()
            for exercise in graded:
                if not defined.get(exercise.grade_id):
                    result.failures[exercise.grade_id] = (
                        f"{exercise.function} was not defined when its check cell ran")
                    continue
                check = getattr(importlib.import_module(exercise.module), exercise.check)
                proxy = KernelFunction(session, exercise.grade_id, exercise.function,
                                       references(check, exercise.function))
                given = proxy.as_class() if exercise.grade_id in session.classes else proxy
                passed, message = _run_check(check, given, seed, result.notes)
                if passed:
                    result.points[exercise.grade_id] = exercise.points
                else:
                    result.failures[exercise.grade_id] = message
                for name in sorted(proxy.calls):
                    result.flags.append(f"{exercise.grade_id}: {exercise.function} calls "
                                        f"nnlib's {name.replace(':', '.')}")
    except GradingStopped as error:
        for grade_id in result.points:
            result.points[grade_id] = 0.0
        result.error = f"{error} (limit {timeout:g} s)" if isinstance(
            error, NotebookTimeout) else str(error)
    return result
