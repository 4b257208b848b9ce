"""No text a learner sees before solving holds a line of the solution.

For every exercise found in the lessons, the lines of its solution are the right-hand side of
each assignment and each returned expression between the solution markers, whitespace
removed, 6 characters or more (nnlib.exercises.solution_expressions). None of them may appear,
whitespace ignored, in: a registered hint; the student version of the solution cell (the
stub's message, the function's docstring and comments); a markdown cell of the lesson; a
failure message of the check, run on the blank stub and on every mutant of the solution.
Every exercise has 2 or 3 registered hints (the idea, then the formula), and every registered
hint belongs to an exercise of its lesson.
"""

import importlib

import pytest
from exercise_runs import EXERCISES, base, mutant_runs, where

from nnlib import exercises
from nnlib.assignments import stub_solution
from nnlib.checks.hints import hints_for

MIN_HINTS, MAX_HINTS = 2, 3


def stub_message(exercise):
    """The message the student version's stub raises, and the stub's source."""
    stub = stub_solution(exercise.source, where(exercise), exercise.grade_id)
    for line in stub.splitlines():
        if line.strip().startswith("raise NotImplementedError("):
            return eval(line.strip()[len("raise NotImplementedError"):]), stub  # a literal
    raise AssertionError(f"{where(exercise)}: the student version raises no "
                         f"NotImplementedError:\n{stub}")


def seen_before_solving(exercise):
    """``[(where it is shown, text), ...]``: every text the learner may read before solving."""
    texts = []
    try:
        texts += [(f"hint {i}", h) for i, h in enumerate(hints_for(exercise.grade_id), 1)]
    except KeyError:
        pass
    message, stub = stub_message(exercise)
    texts.append(("the stub's message", message))
    around = "\n".join(x for x in stub.splitlines() if "raise NotImplementedError(" not in x)
    texts.append(("the solution cell around the stub (its docstring, its comments)", around))
    outcome = exercises.run_check(exercise, base(exercise.grade_id),
                                  compile(stub, f"<{exercise.grade_id} stub>", "exec"))
    texts.append(("the check's message on the blank stub", outcome.message))
    texts += [(f"the check's message on mutant '{m.id}'", o.message)
              for m, o in mutant_runs(exercise.grade_id) if o.status != "passed"]
    nb = exercises.read(exercise.lesson)
    texts += [(f"markdown cell {i}", c.source) for i, c in enumerate(nb.cells)
              if c.cell_type == "markdown"]
    return texts


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.grade_id for e in EXERCISES])
def test_every_exercise_has_progressive_hints(exercise):
    try:
        hints = hints_for(exercise.grade_id)
    except KeyError as error:
        pytest.fail(f"{where(exercise)}: no registered hints ({error.args[0]}). Register "
                    f"them in nnlib/checks/{exercise.grade_id[:8]}.py as HINTS = "
                    f'{{"{exercise.grade_id}": ("the idea", "the formula", ...)}}.')
    assert MIN_HINTS <= len(hints) <= MAX_HINTS, (
        f"{where(exercise)}: {len(hints)} hint(s); give {MIN_HINTS} to {MAX_HINTS}: the idea "
        f"first, then the formula.")
    assert all(isinstance(h, str) and h.strip() for h in hints), hints


LESSON_NUMBERS = sorted({e.lesson.name[:2] for e in EXERCISES})


@pytest.mark.parametrize("number", LESSON_NUMBERS)
def test_every_registered_hint_belongs_to_an_exercise_of_its_lesson(number):
    try:
        module = importlib.import_module(f"nnlib.checks.lesson{number}")
    except ModuleNotFoundError:
        pytest.skip(f"lesson {number} has no check module")
    ids = {e.grade_id for e in EXERCISES if e.lesson.name[:2] == number}
    stale = sorted(set(getattr(module, "HINTS", {})) - ids)
    assert not stale, (f"nnlib/checks/lesson{number}.py registers hints for {stale}, which "
                       f"lesson {number} has no exercise for (its exercises: {sorted(ids)}).")


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.grade_id for e in EXERCISES])
def test_no_text_seen_before_solving_holds_a_line_of_the_solution(exercise):
    assert not exercise.problems, f"{where(exercise)}: {'; '.join(exercise.problems)}"
    expressions = exercises.solution_expressions(exercise)
    found, on_mutants = [], {}
    for place, text in seen_before_solving(exercise):
        for expression in exercises.leaks(text, expressions):
            if place.startswith("the check's message on mutant"):
                on_mutants.setdefault(expression, []).append(place)
            else:
                found.append(f"  {place} holds `{expression}`")
    for expression, places in on_mutants.items():
        found.append(f"  the check's message on {len(places)} mutant(s) holds `{expression}` "
                     f"(e.g. {places[0].split(' on ', 1)[1]})")
    assert not found, (f"{where(exercise)}: the answer is shown before it is written:\n"
                       + "\n".join(found) + "\nSay the idea or the formula in words or "
                       "maths instead of the line of code.")


# ----------------------------------------------------------------------------- the rule


def test_a_line_counts_when_its_expression_appears_whitespace_ignored():
    exercise = exercises.Exercise(
        lesson=None, grade_id="lesson99-x", cell=0, check_source="",
        source="def f(A, W, b):\n    ### BEGIN SOLUTION\n    # a comment = not code\n"
               "    Z = A @ W + b\n    m = A.shape\n    k = 1\n    params = parameters\n"
               "    return np.maximum(Z, 0)\n"
               "    ### END SOLUTION\n")
    assert exercises.solution_lines(exercise) == [
        "    Z = A @ W + b", "    m = A.shape", "    k = 1", "    params = parameters",
        "    return np.maximum(Z, 0)"]
    expressions = exercises.solution_expressions(exercise)
    # "A@W+b" (5 characters) is too short to count; "1" and "parameters" compute nothing.
    assert expressions == ["A.shape", "np.maximum(Z,0)"]
    assert exercises.leaks("then np.maximum( Z , 0 )", expressions) == ["np.maximum(Z,0)"]
    assert exercises.leaks("m is A.shape[0]", expressions) == ["A.shape"]
    assert exercises.leaks("take the maximum of Z and 0, elementwise", expressions) == []
