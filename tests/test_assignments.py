"""The release command: student versions of the lessons, and the errors it gives instructors."""

import hashlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nnlib import assignments
from nnlib.assignments import ReleaseError, release, stub_solution

SOLUTION = '''def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    # Hint: multiply by two
    return 2 * x
    ### END SOLUTION'''


def exercise_notebook(solution=SOLUTION, check="check_double(double)"):
    solution_cell = new_code_cell(solution, metadata={"nbgrader": {
        "solution": True, "grade": False, "grade_id": "double", "locked": False,
        "schema_version": 3, "task": False}})
    check_cell = new_code_cell(check, metadata={"nbgrader": {
        "solution": False, "grade": True, "grade_id": "double-check", "locked": True,
        "points": 1, "schema_version": 3, "task": False}})
    intro = new_code_cell("x = 1\nprint(x)", execution_count=1,
                          outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")])
    return new_notebook(cells=[new_markdown_cell("# Doubling"), intro, solution_cell, check_cell])


def test_a_solution_becomes_a_stub_that_raises_with_the_hint():
    stub = stub_solution(SOLUTION, "lesson, cell 2")
    assert stub == ('def double(x):\n    """Twice x."""\n'
                    "    raise NotImplementedError('multiply by two')")
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError, match="multiply by two"):
        namespace["double"](3)


@pytest.mark.parametrize("source, message", [
    (SOLUTION.replace("    ### END SOLUTION", ""), "BEGIN SOLUTION at line 3 has no END"),
    (SOLUTION.replace("    ### BEGIN SOLUTION\n", ""), "END SOLUTION at line 5 has no BEGIN"),
    (SOLUTION.replace("    # Hint: multiply by two\n", ""), "must be '# Hint: <one line>'"),
    (SOLUTION.replace("    return 2 * x", "    ### BEGIN SOLUTION\n    return 2 * x"),
     "nested BEGIN SOLUTION at line 5"),
    ("### BEGIN SOLUTION\n# Hint: h\nanswer = 3\n### END SOLUTION", "inside a function body"),
])
def test_bad_markup_is_refused_naming_notebook_cell_and_line(source, message):
    with pytest.raises(ReleaseError, match=message) as error:
        stub_solution(source, "05_backpropagation.ipynb, cell 7")
    assert "05_backpropagation.ipynb, cell 7" in str(error.value)


def test_an_exercise_without_a_check_is_refused(tmp_path):
    nb = exercise_notebook()
    del nb.cells[3]
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    with pytest.raises(ReleaseError, match="01_x.ipynb, cell 2: the exercise has no check"):
        release([tmp_path / "01_x.ipynb"], tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing is written when a notebook is refused"


def test_markers_without_nbgrader_metadata_are_refused(tmp_path):
    nb = exercise_notebook()
    nb.cells[2].metadata = {}
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    with pytest.raises(ReleaseError, match="no nbgrader metadata"):
        release([tmp_path / "01_x.ipynb"], tmp_path / "out")


def test_release_stubs_solutions_clears_outputs_and_keeps_the_rest(tmp_path):
    nbformat.write(exercise_notebook(), tmp_path / "01_x.ipynb")
    [written] = release([tmp_path / "01_x.ipynb"], tmp_path / "out")
    student = nbformat.read(written, as_version=4)
    assert "NotImplementedError('multiply by two')" in student.cells[2].source
    assert "return 2 * x" not in student.cells[2].source
    assert all(c.outputs == [] and c.execution_count is None
               for c in student.cells if c.cell_type == "code")
    assert student.cells[0].source == "# Doubling"
    assert student.cells[3].source == "check_double(double)"
    assert student.cells[3].metadata.nbgrader["points"] == 1


def test_release_is_idempotent_and_never_touches_the_sources(tmp_path):
    source = tmp_path / "01_x.ipynb"
    nbformat.write(exercise_notebook(), source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    [first] = release([source], tmp_path / "out")
    first_bytes = first.read_bytes()
    release([source], tmp_path / "out")
    assert first.read_bytes() == first_bytes
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_release_refuses_to_write_over_the_sources(tmp_path):
    nbformat.write(exercise_notebook(), tmp_path / "01_x.ipynb")
    with pytest.raises(ReleaseError, match="holds the source notebooks"):
        release([tmp_path / "01_x.ipynb"], tmp_path)


def test_command_line_reports_a_refusal_clearly(tmp_path, capsys):
    nb = exercise_notebook(solution=SOLUTION.replace("    ### END SOLUTION", ""))
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    code = assignments.main(["release", str(tmp_path / "01_x.ipynb"), "--out",
                             str(tmp_path / "out")])
    assert code == 2
    assert "01_x.ipynb, cell 2: BEGIN SOLUTION at line 3 has no END" in capsys.readouterr().err


def test_release_takes_the_lessons_from_the_current_directory(tmp_path, monkeypatch):
    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    nbformat.write(exercise_notebook(), course / "notebooks" / "01_x.ipynb")
    monkeypatch.chdir(course)
    assert assignments.main(["release"]) == 0
    student = nbformat.read(course / "release" / "01_x.ipynb", as_version=4)
    assert "NotImplementedError('multiply by two')" in student.cells[2].source
    assert sorted(p.name for p in (course / "release").iterdir()) == ["01_x.ipynb"]


def test_release_without_lessons_fails_clearly_and_writes_nothing(tmp_path, monkeypatch, capsys):
    package = Path(assignments.__file__).parent
    before = sorted(p.name for p in package.iterdir())
    monkeypatch.chdir(tmp_path)
    assert assignments.main(["release"]) == 2
    error = capsys.readouterr().err
    assert f"no lessons found in {tmp_path / 'notebooks'}" in error
    assert "run this from the course folder" in error
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in package.iterdir()) == before


def test_release_of_a_missing_notebook_is_refused(tmp_path):
    with pytest.raises(ReleaseError, match="no such notebook: .*02_nothing.ipynb"):
        release([tmp_path / "02_nothing.ipynb"], tmp_path / "out")
