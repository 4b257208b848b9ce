"""Every exercise check, found in nnlib.checks and matched with the lesson that uses it, does
the things any check must: it takes ``seed=None``, it passes the lesson's own solution, and it
fails an unfinished exercise (the student version's stub) and a solution that forgets to
return, each with its own message.

The lesson's solution is taken from the notebook itself (tests/exercise_runs.py: the imports,
functions, classes and UPPER_CASE constants of the cells before the solution cell are run, so
the solution can use the lesson's helpers). With a seed (the grader's), a check also runs
hidden cases: answers recorded on the visible cases and played back must then fail."""

import ast
import importlib
import inspect
import pkgutil
import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest
from exercise_runs import BY_ID, solution, where

import nnlib.checks
from nnlib.assignments import stub_solution
from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import first_hint
from nnlib.grading import wire
from nnlib.grading.notebook import exercises

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
    """``{(module name, check name): exercise}`` from every lesson."""
    used = {}
    for path in LESSONS:
        for exercise in exercises(nbformat.read(path, as_version=4), path.name):
            used[(exercise.module, exercise.check)] = exercise
    return used


CHECKS = check_functions()
USED = lesson_exercises()
IDS = [f"{module.rsplit('.', 1)[1]}.{name}" for module, name in CHECKS]


def lesson_solution(exercise):
    """The learner's function (or class) as the lesson's solution cell defines it."""
    return solution(exercise.grade_id)


def unfinished(exercise):
    """What the student version's solution cell defines: every solution block replaced by
    ``raise NotImplementedError(<the first hint>)``."""
    found = BY_ID[exercise.grade_id]
    return solution(exercise.grade_id, stub_solution(found.source, where(found),
                                                     exercise.grade_id))


def without_returns(exercise):
    """The lesson's solution with its answer computed and not returned: every ``return
    <value>`` between the solution markers of the exercise's function (or of the methods of
    its class) becomes a bare expression. Functions nested inside keep their returns."""
    found = BY_ID[exercise.grade_id]
    tree = ast.parse(found.source)

    class Forget(ast.NodeTransformer):
        def visit_FunctionDef(self, node):
            if node is not function:
                return node  # a nested function: its returns are its own
            self.generic_visit(node)
            return node

        def visit_Return(self, node):
            if node.value is None or not found.inside(node.lineno):
                return node
            return ast.copy_location(ast.Expr(node.value), node)

    functions = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == found.function:
            functions.append(node)
        elif isinstance(node, ast.ClassDef) and node.name == found.function:
            functions += [n for n in node.body if isinstance(n, ast.FunctionDef)]
    assert functions, f"{where(found)} defines no {found.function}"
    for function in functions:
        Forget().visit(function)
    return solution(exercise.grade_id, ast.unparse(ast.fix_missing_locations(tree)))


SEED = 20261130


def call(check, function, seed):
    return check(function) if seed is None else check(function, seed=seed)


def test_every_check_is_found():
    assert len(CHECKS) >= 10 and all(callable(c) for c in CHECKS.values())


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_is_used_by_a_lesson(key):
    assert key in USED, f"{key[1]} ({key[0]}) is called by no lesson's graded check cell"


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_takes_a_seed_for_its_hidden_cases(key):
    seed = inspect.signature(CHECKS[key]).parameters.get("seed")
    assert seed is not None and seed.kind is seed.KEYWORD_ONLY and seed.default is None, (
        f"{key[1]} ({key[0]}) must be check_name(fn, *, seed=None): the visible cases with "
        f"seed=None, and hidden cases drawn from np.random.default_rng(seed) with an int seed "
        f"(the grader passes one).")


def exercise_of(key):
    if key not in USED:
        pytest.fail(f"{key[1]} is used by no lesson")
    return USED[key]


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_passes_the_lessons_own_solution_and_hidden_cases_add_to_the_visible(
        key, capsys):
    exercise = exercise_of(key)
    reference = lesson_solution(exercise)
    counts = []
    for seed in (None, SEED, SEED + 1):
        call(CHECKS[key], reference, seed)
        out = capsys.readouterr().out
        passed = re.fullmatch(rf"✔ {re.escape(exercise.function)}: all (\d+) cases passed\.\n",
                              out)
        assert passed, out
        counts.append(int(passed[1]))
    assert counts[1] > counts[0] and counts[2] > counts[0], counts


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_reports_an_unfinished_exercise_with_its_first_hint(key):
    exercise = exercise_of(key)
    stub = unfinished(exercise)
    for seed in (None, SEED):
        with pytest.raises(CheckFailed, match="not implemented yet") as failure:
            call(CHECKS[key], stub, seed)
        assert f"Hint: {first_hint(exercise.grade_id)}" in str(failure.value)


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_refuses_a_seed_that_is_not_an_int(key):
    reference = lesson_solution(exercise_of(key))
    for seed in ("7", 7.0, True):
        with pytest.raises(TypeError, match="seed must be None .* or an int, got"):
            CHECKS[key](reference, seed=seed)


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_reports_something_that_is_not_a_function(key):
    with pytest.raises(CheckFailed, match=r"expected (a function|your class)"):
        CHECKS[key](np.zeros(3))


def warning(reference):
    """``reference`` that first triggers an overflow that does not change its answer (for a
    class: in ``__init__``)."""
    if isinstance(reference, type):
        class Warns(reference):
            def __init__(self, *args, **kwargs):
                np.float32(1e30) ** 2
                super().__init__(*args, **kwargs)
        return Warns

    def warns(*args, **kwargs):
        np.float32(1e30) ** 2
        return reference(*args, **kwargs)
    return warns


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
@pytest.mark.parametrize("hidden", ["shown", "ignored"])
def test_the_check_counts_a_warning_as_a_failure_and_leaves_the_warning_state(key, hidden):
    """Shown as in a notebook, or ignored by the learner (warnings and NumPy's error state):
    a warning fails the check, and the filters and error state are as before afterwards."""
    warns = warning(lesson_solution(exercise_of(key)))
    with warnings.catch_warnings(), np.errstate():
        warnings.simplefilter("default" if hidden == "shown" else "ignore")
        if hidden == "ignored":
            np.seterr(all="ignore")
        filters, state = list(warnings.filters), np.geterr()
        with pytest.raises(CheckFailed, match="RuntimeWarning: overflow"):
            CHECKS[key](warns)
        assert warnings.filters == filters and np.geterr() == state


@pytest.mark.parametrize("key", CHECKS, ids=IDS)
def test_the_check_reports_a_missing_return_with_the_first_hint(key):
    exercise = exercise_of(key)
    forgetful = without_returns(exercise)
    for seed in (None, SEED):
        with pytest.raises(CheckFailed, match=r"did you forget to `return`") as failure:
            call(CHECKS[key], forgetful, seed)
        assert f"Hint: {first_hint(exercise.grade_id)}" in str(failure.value)


# Checks whose module also holds nnlib's own version under the exercise's name (the fallback
# a student version's later cells use while the exercise is a stub).
FALLBACKS = [key for key in CHECKS if key in USED
             and callable(getattr(importlib.import_module(key[0]), USED[key].function, None))]


@pytest.mark.parametrize("key", FALLBACKS, ids=[f"{m.rsplit('.', 1)[1]}.{n}"
                                                for m, n in FALLBACKS])
def test_nnlibs_fallback_under_the_exercise_name_passes_the_check(key, capsys):
    fallback = getattr(importlib.import_module(key[0]), USED[key].function)
    CHECKS[key](fallback, seed=SEED)
    assert capsys.readouterr().out.startswith(f"✔ {USED[key].function}: all")


def key(args, kwargs):
    """The same text for the same arguments (arrays by value, generators by state)."""
    try:
        return wire.dumps([list(args), kwargs])
    except wire.WireError:
        return repr((args, kwargs))


def generators(args, kwargs):
    return [a for a in [*args, *kwargs.values()] if isinstance(a, np.random.Generator)]


def memorizing(reference):
    """``(recording, hard_coded)``: ``recording`` is ``reference`` that writes down the
    arguments it is called with, its answers and what it leaves in the random generators it
    is given; ``hard_coded`` gives back the written-down answer (and generator states) for
    arguments it has seen, and nothing (None) for any others. For a class, ``recording``
    writes down the arguments it is built from, and ``hard_coded`` is the class refusing to
    be built from any others: an exercise solved for the visible inputs only."""
    answers = {}
    if isinstance(reference, type):
        class Recording(reference):
            def __init__(self, *args, **kwargs):
                answers[key(args, kwargs)] = True
                super().__init__(*args, **kwargs)

        class HardCoded(reference):
            def __init__(self, *args, **kwargs):
                if key(args, kwargs) not in answers:
                    raise ValueError("no answer was written down for these inputs")
                super().__init__(*args, **kwargs)

        return Recording, HardCoded

    def recording(*args, **kwargs):
        seen = key(args, kwargs)  # before the call, which may change its arguments
        answer = reference(*args, **kwargs)
        answers[seen] = answer, [g.bit_generator.state for g in generators(args, kwargs)]
        return answer

    def hard_coded(*args, **kwargs):
        answer, states = answers.get(key(args, kwargs), (None, []))
        for generator, state in zip(generators(args, kwargs), states):
            generator.bit_generator.state = state
        return answer

    return recording, hard_coded


# Checks that judge what the learner's function does, not only what it returns: answers
# played back without doing it fail their visible cases already (a stronger check).
WATCHING = {
    "check_train_sgd": "it watches which rows of X the loop takes, and when: a loop that "
                       "only returns recorded answers takes none",
}


@pytest.mark.parametrize("key_", CHECKS, ids=IDS)
def test_answers_hard_coded_for_the_visible_cases_fail_the_hidden_ones(key_, capsys):
    check = CHECKS[key_]
    recording, hard_coded = memorizing(lesson_solution(exercise_of(key_)))
    check(recording)
    if key_[1] in WATCHING:
        with pytest.raises(CheckFailed):  # already on the visible cases
            check(hard_coded)
        return
    check(hard_coded)  # the played-back answers pass the visible cases...
    assert capsys.readouterr().out.count("✔") == 2
    with pytest.raises(CheckFailed) as failure:  # ...but not the hidden ones
        check(hard_coded, seed=SEED)
    grade_id = exercise_of(key_).grade_id
    assert f"Hint: {first_hint(grade_id)}" in str(failure.value)


@pytest.mark.parametrize("key_", CHECKS, ids=IDS)
def test_the_hidden_cases_depend_on_the_seed(key_, capsys):
    """Answers recorded with one seed (the visible and that seed's hidden cases) and played
    back fail another seed's hidden cases: a learner who ran the check with some seed still
    cannot know the grader's cases."""
    check = CHECKS[key_]
    if key_[1] in WATCHING:
        pytest.skip(WATCHING[key_[1]])
    recording, hard_coded = memorizing(lesson_solution(exercise_of(key_)))
    check(recording, seed=SEED)
    check(hard_coded, seed=SEED)  # the played-back answers pass that seed's cases...
    assert capsys.readouterr().out.count("✔") == 2
    with pytest.raises(CheckFailed):  # ...but not another seed's
        check(hard_coded, seed=SEED + 1)
