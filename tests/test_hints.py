"""Progressive hints: registered per exercise, shown one at a time, used by stubs and checks."""

import numpy as np
import pytest

from nnlib.assignments import stub_solution
from nnlib.checks import hints
from nnlib.checks.core import Case, CheckFailed, run_check


@pytest.fixture
def lesson99(monkeypatch):
    """A fake lesson module with one exercise of two hints."""
    import types

    module = types.ModuleType("nnlib.checks.lesson99")
    module.HINTS = {"lesson99-double": ("Think of scaling.", "y = 2 x")}
    monkeypatch.setitem(__import__("sys").modules, "nnlib.checks.lesson99", module)
    monkeypatch.setattr(hints, "_next_level", {})
    return module


def test_hint_prints_the_next_hint_each_call(lesson99, capsys):
    hints.hint("lesson99-double")
    hints.hint("lesson99-double")
    hints.hint("lesson99-double")
    out = capsys.readouterr().out.splitlines()
    assert out == ["Hint 1 of 2: Think of scaling.", "Hint 2 of 2 (the last one): y = 2 x",
                   "Hint 2 of 2 (the last one): y = 2 x"]


def test_hint_by_level_and_out_of_range(lesson99, capsys):
    hints.hint("lesson99-double", 2)
    assert capsys.readouterr().out.startswith("Hint 2 of 2")
    with pytest.raises(ValueError, match="hints 1 to 2, got level 3"):
        hints.hint("lesson99-double", 3)


def test_an_unknown_exercise_names_the_known_ones(lesson99):
    with pytest.raises(KeyError, match="lesson99-double"):
        hints.hints_for("lesson99-triple")
    with pytest.raises(KeyError, match="such as 'lesson03-forward-propagation'"):
        hints.hints_for("layer forward")


def test_the_example_id_that_messages_name_is_a_real_exercise():
    assert len(hints.hints_for(hints.EXAMPLE)) >= 2


def test_first_hint_says_how_to_get_more(lesson99):
    assert hints.first_hint("lesson99-double") == 'Think of scaling. More: hint("lesson99-double").'


def test_a_failed_check_shows_the_first_registered_hint(lesson99):
    cases = [Case("x = 1", (np.array(1.0),), 2.0)]
    with pytest.raises(CheckFailed, match=r"Hint: Think of scaling\. More: hint"):
        run_check("double", lambda x: 3 * x, cases, exercise="lesson99-double")


def test_a_stub_raises_with_the_registered_first_hint(lesson99):
    source = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
    stub = stub_solution(source, "test", "lesson99-double")
    assert "return 2 * x" not in stub
    assert "raise NotImplementedError('Think of scaling. More: hint(\"lesson99-double\").')" in stub


def test_yours_or_nnlib_keeps_a_written_function_and_replaces_a_stub(tmp_path, capsys):
    import importlib.util

    from nnlib.checks import yours_or_nnlib

    path = tmp_path / "learner.py"
    path.write_text("def done(x):\n    return 2 * x\n\n"
                    "def todo(x):\n    raise NotImplementedError('Think of scaling.')\n")
    spec = importlib.util.spec_from_file_location("learner", path)
    learner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(learner)
    assert yours_or_nnlib(learner.done, np.negative) is learner.done
    assert capsys.readouterr().out == ""
    assert yours_or_nnlib(learner.todo, np.negative) is np.negative
    assert capsys.readouterr().out == (
        "Note: your todo is not written yet, so the rest of this lesson uses numpy.negative.\n")
    with pytest.raises(TypeError, match="expected your function"):
        yours_or_nnlib(None, np.negative)


def test_every_exercise_id_named_in_nnlib_is_an_exercise_of_a_lesson():
    """Docstrings, messages and examples in nnlib name exercises that exist (or their check
    cells, ``<id>-check``), so that a reader can ask for their hints."""
    import re
    from pathlib import Path

    from exercise_runs import BY_ID

    stale = set()
    for path in sorted((Path(hints.__file__).parents[1]).rglob("*.py")):
        for found in re.findall(r"[\"'`](lesson\d\d-[a-z0-9-]+)[\"'`]", path.read_text()):
            if found not in BY_ID and found.removesuffix("-check") not in BY_ID:
                stale.add(f"{path.name}: {found}")
    assert not stale, f"ids of exercises that no lesson has: {sorted(stale)}"
