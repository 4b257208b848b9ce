"""The released student versions of the real lessons behave as a learner meets them: every
exercise check fails with its message, nothing else fails, and the solutions make them pass."""

import nbformat
import pytest
from nbclient import NotebookClient

from nnlib.assignments import lesson_paths, nbgrader, release

LESSONS = lesson_paths()


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    return release(LESSONS, tmp_path_factory.mktemp("release"))


def execute(nb, folder):
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


@pytest.mark.parametrize("index", range(len(LESSONS)), ids=[p.name for p in LESSONS])
def test_student_version_runs_with_only_the_checks_failing(released, index):
    path = released[index]
    nb = execute(nbformat.read(path, as_version=4), LESSONS[index].parent)
    checks = 0
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        stderr = [o for o in cell.outputs if o.get("name") == "stderr"]
        assert not stderr, f"{path.name} cell {number} wrote to stderr: {stderr[0].text[:200]}"
        if nbgrader(cell).get("grade"):
            checks += 1
            assert errors, f"{path.name} cell {number}: the check passed on a stub"
            assert errors[0].ename == "CheckFailed"
            assert "not implemented yet" in errors[0].evalue and "Hint:" in errors[0].evalue
        else:
            assert not errors, (f"{path.name} cell {number} failed in the student version: "
                                f"{errors[0].ename}: {errors[0].evalue}\n{cell.source[:300]}")
    assert checks >= 1


def fill_with_solutions(student, source):
    """Put the source's solution cells back into the student version, matched by grade_id."""
    solutions = {nbgrader(c)["grade_id"]: c.source for c in source.cells
                 if nbgrader(c).get("solution")}
    for cell in student.cells:
        if nbgrader(cell).get("solution"):
            cell.source = solutions[nbgrader(cell)["grade_id"]]
    return student


@pytest.mark.parametrize("index", range(len(LESSONS)), ids=[p.name for p in LESSONS])
def test_filling_in_the_solutions_gives_back_the_lesson(released, index):
    source = nbformat.read(LESSONS[index], as_version=4)
    filled = fill_with_solutions(nbformat.read(released[index], as_version=4), source)
    assert [c.source for c in filled.cells] == [c.source for c in source.cells]


def test_the_filled_in_first_lesson_passes_every_check(released):
    source = nbformat.read(LESSONS[0], as_version=4)
    filled = execute(fill_with_solutions(nbformat.read(released[0], as_version=4), source),
                     LESSONS[0].parent)
    graded = [c for c in filled.cells if nbgrader(c).get("grade")]
    assert graded
    for cell in graded:
        assert not [o for o in cell.outputs if o.output_type == "error"]
        assert "✔" in "".join(o.get("text", "") for o in cell.outputs)
