"""The course's exercises and the runs of their checks, shared by the mutant test and the
leak test (each mutant's check runs once per test session), and the lessons' own solutions
for the tests of each lesson's checks (read from the committed lessons, never copied)."""

import functools
from pathlib import Path

from nnlib import exercises

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = exercises.discover(LESSONS)
BY_ID = {e.grade_id: e for e in EXERCISES}
MUTANT_SECONDS = 60


def where(exercise):
    return f"{exercise.grade_id} ({exercise.lesson.name}, cell {exercise.cell})"


@functools.cache
def base(grade_id):
    """The namespace the exercise's solution runs in (see nnlib.exercises.namespace)."""
    return exercises.namespace(BY_ID[grade_id])


@functools.cache
def reference(grade_id):
    """The check's outcome on the reference solution."""
    exercise = BY_ID[grade_id]
    return exercises.run_check(exercise, base(grade_id), seconds=MUTANT_SECONDS)


@functools.cache
def mutant_runs(grade_id):
    """``[(mutant, outcome), ...]`` for every one-token mutant of the reference solution."""
    exercise = BY_ID[grade_id]
    return [(mutant, exercises.run_check(exercise, base(grade_id),
                                         exercises.compile_mutant(exercise, mutant),
                                         seconds=MUTANT_SECONDS))
            for mutant in exercises.mutants(exercise)]


def solution(grade_id, source=None, **names):
    """What the reference solution of ``grade_id`` defines (its function or class), run in the
    namespace its lesson gives it; ``source``: a changed version of the solution cell;
    ``names``: globals to replace."""
    return exercises.define(BY_ID[grade_id], {**base(grade_id), **names}, source)


def solution_source(grade_id):
    """The source of the solution cell of ``grade_id`` in its committed lesson."""
    return BY_ID[grade_id].source


def changed(grade_id, old, new):
    """The reference solution of ``grade_id`` with the text ``old`` (which it must hold)
    replaced by ``new``: a typical mistake written into the lesson's own solution."""
    source = solution_source(grade_id)
    assert old in source, f"{grade_id}'s solution no longer holds {old!r}"
    return solution(grade_id, source.replace(old, new))
