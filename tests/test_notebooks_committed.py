"""The lessons are committed executed, in order, without errors, and with what every lesson
promises: goals, a summary, a figure, nnlib imported and checked, a graded exercise.

nbval re-runs each notebook and compares outputs; these tests make sure there is something
real to compare (a notebook with no outputs would pass nbval vacuously).
"""

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


def test_lesson_imports_nnlib_and_checks_agreement(notebook):
    code = "\n".join(source(c) for c in code_cells(notebook))
    assert "nnlib" in code
    assert "agree" in code, "a cell should check that the notebook's version and nnlib's agree"


def test_lesson_has_a_graded_exercise_with_a_hint(notebook):
    cells = notebook["cells"]
    solutions = [i for i, c in enumerate(cells)
                 if c["metadata"].get("nbgrader", {}).get("solution")]
    assert solutions, "every lesson has at least one graded exercise"
    for i in solutions:
        text = source(cells[i])
        assert "### BEGIN SOLUTION" in text and "### END SOLUTION" in text
        after = text.split("### BEGIN SOLUTION", 1)[1].lstrip().splitlines()[0]
        assert not after.startswith("# Hint:"), "hints live in HINTS, not in the solution"
        grade_id = cells[i]["metadata"]["nbgrader"]["grade_id"]
        assert len(hints_for(grade_id)) >= 2, f"{grade_id}: register progressive hints"
        check = cells[i + 1]
        assert check["metadata"].get("nbgrader", {}).get("grade"), "a graded check follows"
        assert "check_" in source(check)
        printed = "".join("".join(o.get("text", "")) for o in check.get("outputs", []))
        assert "✔" in printed, "the check passes on the solution"
