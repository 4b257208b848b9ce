"""The lessons are committed executed, in order, without errors, and with what every lesson
promises: goals, a summary, a figure, nnlib imported and checked, a graded exercise.

nbval re-runs each notebook and compares outputs; these tests make sure there is something
real to compare (a notebook with no outputs would pass nbval vacuously).
"""

import ast
import json
from pathlib import Path

import pytest

from nnlib.checks.hints import hints_for

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def source(cell):
    return "".join(cell["source"])


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return json.loads(request.param.read_text())


def test_there_are_lessons():
    assert len(NOTEBOOKS) >= 1


def test_every_code_cell_was_executed_in_one_run_top_to_bottom(notebook):
    counts = [c["execution_count"] for c in code_cells(notebook)]
    assert None not in counts, "a code cell was never executed: run `make notebooks`"
    assert counts == list(range(1, len(counts) + 1)), "cells were not executed top to bottom"


def test_no_error_and_no_stderr_output(notebook):
    for cell in code_cells(notebook):
        for output in cell["outputs"]:
            assert output.get("name") != "stderr", f"stderr in:\n{source(cell)[:200]}"
            if output["output_type"] == "error":
                assert "raises-exception" in cell["metadata"].get("tags", []), (
                    f"unexpected {output['ename']}: {output['evalue']}")


def test_nbval_ignore_output_only_on_widget_cells(notebook):
    for cell in code_cells(notebook):
        if "nbval-ignore-output" in cell["metadata"].get("tags", []):
            assert "nnlib.widgets" in source(cell), f"ignored output of:\n{source(cell)[:200]}"


def test_lesson_has_goals_summary_and_a_figure(notebook):
    markdown = " ".join(source(c) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "What you will learn" in markdown
    assert "## Summary" in markdown
    assert any("image/png" in o.get("data", {}) for c in code_cells(notebook) for o in c["outputs"])


def nnlib_names(nb):
    """``nnlib`` and every name a notebook imports from it (``Model``, ``one_hot``...)."""
    names = set()
    for cell in code_cells(nb):
        for node in ast.walk(parse(source(cell))):
            if isinstance(node, ast.Import):
                names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names
                          if alias.name.split(".")[0] == "nnlib"}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nnlib"):
                names |= {alias.asname or alias.name for alias in node.names}
    return names


def parse(code):
    """The cell's syntax tree; IPython magics and shell lines are left out."""
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return ast.parse("")


def names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def from_nnlib(tree, names):
    """``names`` plus every name of ``tree`` that holds something nnlib computed: assigned
    (or looped over) from an expression using such a name, or passed to a call of one (an
    optimizer's ``step`` changes its argument in place)."""
    names = set(names)
    while True:
        before = len(names)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value \
                    and names_in(node.value) & names:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= set().union(*(names_in(target) for target in targets))
            elif isinstance(node, (ast.For, ast.comprehension)) and names_in(node.iter) & names:
                names |= names_in(node.target)
            elif isinstance(node, ast.Call) and names_in(node.func) & names:
                names |= set().union(set(), *(names_in(arg) for arg in node.args))
        if len(names) == before:
            return names


def asserts_against(tree, names):
    """True if an ``assert`` statement or an ``np.testing.assert_*`` call in ``tree`` uses
    something nnlib computed (see :func:`from_nnlib`)."""
    names = from_nnlib(tree, names)
    for node in ast.walk(tree):
        is_assert = isinstance(node, ast.Assert) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("assert_"))
        if is_assert and names_in(node) & names:
            return True
    return False


def printed(cell):
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


def test_lesson_imports_nnlib_and_checks_agreement(notebook):
    """A cell asserts that the lesson's own version and nnlib's give the same result and says
    so in its output."""
    names = nnlib_names(notebook)
    assert names, "the lesson imports nnlib"
    agreeing = [cell for cell in code_cells(notebook)
                if asserts_against(parse(source(cell)), names) and "agree" in printed(cell)]
    assert agreeing, ("a cell should assert that the notebook's version and nnlib's agree "
                      "and print that they agree")


def test_lesson_has_a_graded_exercise_with_registered_hints(notebook):
    cells = notebook["cells"]
    solutions = [i for i, c in enumerate(cells)
                 if c["metadata"].get("nbgrader", {}).get("solution")]
    assert solutions, "every lesson has at least one graded exercise"
    for i in solutions:
        text = source(cells[i])
        assert "### BEGIN SOLUTION" in text and "### END SOLUTION" in text
        exercise = cells[i]["metadata"]["nbgrader"]["grade_id"]
        assert len(hints_for(exercise)) >= 2, f"{exercise}: register at least two hints"
        assert "# Hint:" not in text, f"{exercise}: hints live in HINTS, not in the solution"
        check = cells[i + 1]
        assert check["metadata"].get("nbgrader", {}).get("grade"), "a graded check follows"
        assert "check_" in source(check)
        printed = "".join("".join(o.get("text", "")) for o in check.get("outputs", []))
        assert "✔" in printed, "the check passes on the solution"
