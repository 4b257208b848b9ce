"""Every exercise check, found in nnlib.checks and matched with the lesson that uses it, does
the three things any check must: it passes the lesson's own solution, and it fails an
unfinished exercise and a function that forgets to return, each with its own message.

The lesson's solution is taken from the notebook itself: the imports, functions and classes of
the cells up to the solution cell are run, so the solution can use the lesson's helpers.
With a seed (the grader's), a check also runs hidden cases: answers recorded on the visible
cases and played back must then fail."""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import nbformat
import pytest

import nnlib.checks
from nnlib.checks.core import CheckFailed
from nnlib.grading import wire
from nnlib.grading.notebook import exercises, nbgrader

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def check_functions():
    """``{(module name, check name): function}`` for every check_ function in nnlib.checks."""
    found = {}
    for info in pkgutil.iter_modules(nnlib.checks.__path__):
        if not re.fullmatch(r"lesson\d\d", info.name):
            continue
        module = importlib.import_module(f"nnlib.checks.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and function.__module__ == module.__name__:
                found[(module.__name__, name)] = function
    return found


def lesson_exercises():
    """``{(module name, check name): (lesson path, exercise)}`` from every lesson."""
    used = {}
    for path in LESSONS:
        for exercise in exercises(nbformat.read(path, as_version=4), path.name):
            used[(exercise.module, exercise.check)] = (path, exercise)
    return used


CHECKS = check_functions()
USED = lesson_exercises()
IDS = [f"{module.rsplit('.', 1)[1]}.{name}" for module, name in CHECKS]


def definitions(source):
    """The imports, functions and classes of a cell (magics and the rest left out)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    return [node for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))]


def lesson_solution(path, exercise):
    """The learner's function as the lesson's solution cell defines it."""
    nb = nbformat.read(path, as_version=4)
    namespace = {"__name__": "lesson"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            for node in definitions(cell.source):
                try:
                    exec(compile(ast.Module(body=[node], type_ignores=[]), path.name, "exec"),
                         namespace)
                except NameError:  # e.g. a default argument that needs the lesson's data
                    pass
        if nbgrader(cell).get("grade_id") == exercise.grade_id:
            return namespace[exercise.function]
    raise AssertionError(f"{path.name} has no solution cell {exercise.grade_id}")


def takes_a_seed(check):
    return "seed" in inspect.signature(check).parameters


def seeds(check):
    """None (the visible cases), and a hidden-case seed where the check takes one."""
    return [None, 20261130] if takes_a_seed(check) else [None]


def call(check, function, seed):
    return check(function) if seed is None else check(function, seed=seed)


def test_every_check_is_found():
    assert len(CHECKS) >= 10 and all(callable(c) for c in CHECKS.values())


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_is_used_by_a_lesson(key):
    assert key in USED, f"{key[1]} ({key[0]}) is called by no lesson's graded check cell"


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_passes_the_lessons_own_solution(key, capsys):
    if key not in USED:
        pytest.fail(f"{key[1]} is used by no lesson")
    check = CHECKS[key]
    solution = lesson_solution(*USED[key])
    for seed in seeds(check):
        call(check, solution, seed)
        out = capsys.readouterr().out
        assert out.startswith("✔ ") and "passed" in out, out


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_reports_an_unfinished_exercise(key):
    def unfinished(*args, **kwargs):
        raise NotImplementedError("the first hint")

    for seed in seeds(CHECKS[key]):
        with pytest.raises(CheckFailed, match="not implemented yet") as failure:
            call(CHECKS[key], unfinished, seed)
        assert "Hint:" in str(failure.value)


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_reports_a_missing_return(key):
    def no_return(*args, **kwargs):
        return None

    for seed in seeds(CHECKS[key]):
        with pytest.raises(CheckFailed, match=r"did you forget to `return`"):
            call(CHECKS[key], no_return, seed)


def key(args):
    """The same text for the same arguments (arrays by value, generators by state)."""
    try:
        return wire.dumps(list(args))
    except wire.WireError:
        return repr(args)


@pytest.mark.parametrize("key_", CHECKS, ids=IDS)
def test_answers_hard_coded_for_the_visible_cases_fail_the_hidden_ones(key_, capsys):
    check = CHECKS[key_]
    if not takes_a_seed(check):
        pytest.skip(f"{key_[1]} takes no seed yet, so it has no hidden cases")
    solution, answers = lesson_solution(*USED[key_]), {}

    def recording(*args):
        seen = key(args)
        answers[seen] = solution(*args)
        return answers[seen]

    def hard_coded(*args):
        return answers.get(key(args))

    check(recording)
    check(hard_coded)  # the played-back answers pass the visible cases...
    assert capsys.readouterr().out.count("✔") == 2
    with pytest.raises(CheckFailed):  # ...but not the hidden ones
        check(hard_coded, seed=20261130)
