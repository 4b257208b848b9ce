"""The grader with real kernels: the issue's table of submissions, 50 copies of lesson 03
graded in parallel into the gradebook, hidden cases, warnings, function arguments and flags
(on a small fixture lesson whose checks follow the seed convention), and the command line."""

import copy
import csv
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nnlib import assignments
from nnlib.assignments import student_version
from nnlib.grading.classroom import find_submissions, grade_class, write_gradebook
from nnlib.grading.grader import grade_submission
from nnlib.grading.kernel import KEPT, KernelFunction, KernelSession
from nnlib.grading.notebook import nbgrader, parse_check_cell, restore

ROOT = Path(__file__).resolve().parents[1]
LESSON03 = ROOT / "notebooks" / "03_the_forward_pass.ipynb"
EXERCISES = ["lesson03-initialize-parameters", "lesson03-forward-propagation",
             "lesson03-count-parameters"]
POINTS = len(EXERCISES)  # one point each
SEED = 20261130


def lesson03():
    return nbformat.read(LESSON03, as_version=4)


def blank():
    return student_version(lesson03(), LESSON03.name)


def with_checks_edited(nb):
    for cell in nb.cells:
        if nbgrader(cell).get("grade"):
            cell.source = 'print("✔ all cases passed.")'
    return nb


def with_checks_patched(nb):
    """A first solution cell that replaces nnlib's checks (and the runners they call) in the
    kernel."""
    patch = ("import nnlib.checks.core, nnlib.checks.lesson03, nnlib.checks.strict\n"
             "def passed(*args, **kwargs):\n    print('✔ all cases passed.')\n"
             "for name in dir(nnlib.checks.lesson03):\n"
             "    if name.startswith('check_'):\n"
             "        setattr(nnlib.checks.lesson03, name, passed)\n"
             "nnlib.checks.core.run_check = passed\n"
             "nnlib.checks.strict.run_property_check = passed\n")
    solution = next(c for c in nb.cells if nbgrader(c).get("solution"))
    solution.source = patch + solution.source
    return nb


def calling_nnlib(nb):
    solution = next(c for c in nb.cells
                    if nbgrader(c).get("grade_id") == "lesson03-forward-propagation")
    solution.source = ("import nnlib.forward\n\n"
                       "def forward_propagation(X, parameters, hidden_activation='relu',\n"
                       "                        output_activation=None):\n"
                       "    return nnlib.forward.forward_propagation(\n"
                       "        X, parameters, hidden_activation, output_activation)\n")
    return nb


def with_cell(nb, source):
    nb.cells.append(new_code_cell(source))
    return nb


KINDS = {  # name: (notebook, expected total)
    "honest": (lesson03, POINTS),
    "blank": (blank, 0),
    "blank_checks_edited": (lambda: with_checks_edited(blank()), 0),
    "blank_checks_patched": (lambda: with_checks_patched(blank()), 0),
    "solved_checks_edited": (lambda: with_checks_edited(lesson03()), POINTS),
    "calls_nnlib": (lambda: calling_nnlib(lesson03()), POINTS),
}


@pytest.fixture(scope="module")
def class_of_53(tmp_path_factory):
    """50 learners, each a copy of lesson 03 of one of the kinds above, and three that hang,
    kill their kernel or are not JSON; graded with 2 workers into a gradebook."""
    folder = tmp_path_factory.mktemp("submissions")
    kinds = {}
    for number in range(50):
        kind = list(KINDS)[number % len(KINDS)]
        learner = f"learner{number:02d}_{kind}"
        nbformat.write(KINDS[kind][0](), folder / f"{learner}.ipynb")
        kinds[learner] = kind
    nbformat.write(with_cell(lesson03(), "import time\nwhile True:\n    time.sleep(0.1)"),
                   folder / "hanging.ipynb")
    nbformat.write(with_cell(lesson03(), "import os\nos._exit(1)"), folder / "dead.ipynb")
    (folder / "invalid.ipynb").write_text('{"cells": [ this is not JSON', encoding="utf-8")
    lines = []
    results = grade_class(find_submissions(folder), ROOT / "notebooks", seed=SEED, timeout=30,
                          workers=2, report=lines.append)
    gradebook = write_gradebook(results, folder / "gradebook.csv")
    return {r.learner: r for r in results}, kinds, gradebook, lines


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_issues_table_of_submissions(class_of_53, kind):
    results, kinds, _, _ = class_of_53
    expected = KINDS[kind][1]
    graded = [results[learner] for learner, k in kinds.items() if k == kind]
    assert graded
    for result in graded:
        assert result.error is None, result.error
        assert result.total == expected, (kind, result.failures)
        assert result.lesson == "03_the_forward_pass"


def test_an_unsolved_exercise_fails_whatever_was_done_to_the_checks(class_of_53):
    results, kinds, _, _ = class_of_53
    for learner, kind in kinds.items():
        if kind.startswith("blank"):
            for exercise in EXERCISES:
                assert "not implemented yet" in results[learner].failures[exercise]


def test_the_report_names_the_restored_check_cells(class_of_53):
    results, kinds, _, _ = class_of_53
    for learner, kind in kinds.items():
        restored = [n for n in results[learner].notes if n.startswith("restored")]
        if "checks_edited" in kind:
            assert restored == [f"restored the edited cell {e}-check" for e in EXERCISES]
        else:
            assert restored == []


def test_a_solution_that_calls_nnlibs_function_is_flagged_not_zeroed(class_of_53):
    results, kinds, _, _ = class_of_53
    for learner, kind in kinds.items():
        flags = results[learner].flags
        if kind == "calls_nnlib":
            assert flags == ["lesson03-forward-propagation: forward_propagation calls "
                             "nnlib's nnlib.forward.forward_propagation"]
        else:
            assert flags == []


@pytest.mark.parametrize("learner, reason", [
    ("hanging", "the time limit was reached in cell {last} (limit 30 s)"),
    ("dead", "the kernel died in cell {last}"),
    ("invalid", "not a valid notebook (NotJSONError"),
])
def test_a_broken_notebook_scores_0_with_the_reason(class_of_53, learner, reason):
    reason = reason.format(last=len(lesson03().cells) + 1)  # the cell added at the end
    result = class_of_53[0][learner]
    assert result.total == 0 and reason in result.error


def test_the_gradebook_has_a_row_per_learner_with_points_total_failures_and_seed(class_of_53):
    results, _, gradebook, lines = class_of_53
    with open(gradebook, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(results) == 53
    assert list(rows[0])[:2 + POINTS] == ["learner", "lesson", *EXERCISES]
    assert list(rows[0])[2 + POINTS:] == ["total", "possible", "failures", "flags", "notes",
                                          "seed"]
    for row in rows:
        result = results[row["learner"]]
        assert row["seed"] == str(SEED)
        assert float(row["total"]) == result.total
        assert sum(float(row[e] or 0) for e in EXERCISES) == result.total
        if result.total < POINTS:
            assert row["failures"]
    assert rows[[r["learner"] for r in rows].index("hanging")]["failures"].startswith(
        "notebook: the time limit was reached")
    assert len(lines) == 53 and any(line.startswith("learner00_honest / 03") for line in lines)


def test_a_failed_gradebook_write_leaves_the_old_file(tmp_path, class_of_53):
    results = list(class_of_53[0].values())
    target = tmp_path / "gradebook.csv"
    target.write_text("the old gradebook\n")
    broken = copy.copy(results[0])
    broken.points = {"lesson03-forward-propagation": "not a number"}  # fails half-way through
    with pytest.raises(ValueError):
        write_gradebook([broken], target)
    assert target.read_text() == "the old gradebook\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


# -------------------------------------------------------------- every lesson, solved

SOLVED = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Lesson 10 trains a ConvNet for two minutes, and its exercises take and return plain arrays,
# as lessons 01-04's do, so in the suite it adds time and no new kind of check; `make
# grade-lessons` (NNLIB_GRADE_LESSONS=all) grades it too.
if os.environ.get("NNLIB_GRADE_LESSONS") != "all":
    SOLVED = [path for path in SOLVED if not path.name.startswith("10_")]


@pytest.mark.parametrize("lesson", SOLVED, ids=[p.stem for p in SOLVED])
def test_every_lessons_own_solutions_score_full_marks_unflagged(lesson, tmp_path):
    """Each kind of check works behind the grader's stand-in: a class (lesson 05's Value),
    a generator given by keyword (lesson 03), a function the check passes in (lesson 05's
    gradient check), a loop whose rows are watched (lesson 07)."""
    submission = tmp_path / lesson.name
    shutil.copy(lesson, submission)
    result = grade_submission(submission, lesson, seed=SEED, timeout=900)
    assert result.error is None and result.failures == {}, (result.error, result.failures)
    assert result.total == result.max_total > 0
    assert result.flags == []


# -------------------------------------------------------------- a fixture lesson with seeds

def solution(header, *body):
    return "\n".join([header, "    ### BEGIN SOLUTION", "    # Hint: the idea",
                      *[f"    {line}" for line in body], "    ### END SOLUTION"])


FIXTURE_SOLUTIONS = {
    "double": solution("def double(x):", "return 2 * x"),
    "squash": solution("def squash(z):", "e = np.exp(-np.abs(z))",
                       "return np.where(z >= 0, 1 / (1 + e), e / (1 + e))"),
    "apply": solution("def apply(f, x):", "return f(x)"),
    "scale_in_place": solution("def scale_in_place(x):", "x *= 2"),
    "draw": solution("def draw(rng, n):", "return rng.standard_normal(n)"),
}


def fixture_lesson():
    """A source lesson with five exercises checked by tests/grading_fixture_checks.py; its
    last cell swaps an unfinished squash for nnlib's sigmoid, as lessons do."""
    cells = [new_markdown_cell("# Fixture"), new_code_cell("import numpy as np\nimport nnlib")]
    for name, solution in FIXTURE_SOLUTIONS.items():
        cells.append(new_code_cell(solution, metadata={"nbgrader": {
            "solution": True, "grade": False, "grade_id": f"fixture-{name}", "locked": False,
            "schema_version": 3, "task": False}}))
        cells.append(new_code_cell(
            f"from grading_fixture_checks import check_{name}\n\ncheck_{name}({name})",
            metadata={"nbgrader": {"solution": False, "grade": True, "locked": True,
                                   "grade_id": f"fixture-{name}-check", "points": 1,
                                   "schema_version": 3, "task": False}}))
    cells.append(new_code_cell("from nnlib.checks import yours_or_nnlib\n\n"
                               "squash = yours_or_nnlib(squash, nnlib.activations.sigmoid)"))
    return new_notebook(cells=cells)


def replace_solution(nb, name, source):
    cell = next(c for c in nb.cells if nbgrader(c).get("grade_id") == f"fixture-{name}")
    cell.source = source
    return nb


@pytest.fixture(scope="module")
def fixture_course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture")
    (folder / "notebooks").mkdir()
    shutil.copy(Path(__file__).parent / "grading_fixture_checks.py", folder / "notebooks")
    nbformat.write(fixture_lesson(), folder / "notebooks" / "01_fixture.ipynb")
    return folder


def grade_fixture(course, nb, seed, name="learner"):
    path = course / f"{name}.ipynb"
    nbformat.write(nb, path)
    return grade_submission(path, course / "notebooks" / "01_fixture.ipynb", seed=seed,
                            timeout=60)


def test_fixture_lesson_solved_passes_visible_and_hidden_cases(fixture_course):
    result = grade_fixture(fixture_course, fixture_lesson(), seed=SEED)
    assert result.failures == {} and result.total == 5 and result.flags == []
    assert result.notes == []


def test_fixture_blank_scores_0_though_a_later_cell_swaps_in_nnlibs_function(fixture_course):
    result = grade_fixture(fixture_course, student_version(fixture_lesson(), "01_fixture"),
                           seed=SEED)
    assert result.total == 0
    assert all("not implemented yet" in m for m in result.failures.values())


def test_hard_coded_visible_answers_pass_only_without_the_hidden_seed(fixture_course):
    nb = replace_solution(fixture_lesson(), "double",
                          "def double(x):\n    return np.array([2.0, 4.0, 6.0])")
    assert grade_fixture(fixture_course, nb, seed=None).points["fixture-double"] == 1
    hidden = grade_fixture(fixture_course, nb, seed=SEED)
    assert hidden.points["fixture-double"] == 0
    assert "a hidden random vector" in hidden.failures["fixture-double"]


def test_a_warning_in_the_kernel_fails_a_check_that_forbids_warnings(fixture_course):
    nb = replace_solution(fixture_lesson(), "squash",
                          "def squash(z):\n    return 1 / (1 + np.exp(-z))")
    result = grade_fixture(fixture_course, nb, seed=SEED)
    assert result.points["fixture-squash"] == 0
    assert "raised RuntimeWarning: overflow" in result.failures["fixture-squash"]


def test_calling_the_reference_is_flagged_and_in_place_changes_are_seen(fixture_course):
    nb = replace_solution(fixture_lesson(), "squash",
                          "def squash(z):\n    return nnlib.activations.sigmoid(z)")
    nb = replace_solution(nb, "scale_in_place", "def scale_in_place(x):\n    return x * 2")
    result = grade_fixture(fixture_course, nb, seed=SEED)
    assert result.flags == ["fixture-squash: squash calls nnlib's nnlib.activations.sigmoid"]
    assert result.points["fixture-squash"] == 1
    assert result.points["fixture-scale_in_place"] == 0
    assert result.points["fixture-apply"] == result.points["fixture-draw"] == 1


def test_a_missing_solution_cell_scores_0_and_a_missing_check_cell_is_put_back(fixture_course):
    nb = fixture_lesson()
    nb.cells = [c for c in nb.cells if nbgrader(c).get("grade_id") not in
                ("fixture-double", "fixture-apply-check")]
    result = grade_fixture(fixture_course, nb, seed=SEED)
    assert result.failures == {"fixture-double": "its solution cell is missing from the notebook"}
    assert "inserted the missing cell fixture-apply-check" in result.notes
    assert result.total == 4


# ---------------------------------------------------------------- cells, and the command line

def test_a_check_cell_names_its_check_and_the_learners_function():
    assert parse_check_cell("from nnlib.checks.lesson03 import check_forward_propagation\n\n"
                            "check_forward_propagation(forward_propagation)") == (
        "nnlib.checks.lesson03", "check_forward_propagation", "forward_propagation")
    assert parse_check_cell("from nnlib.checks import lesson03 as l3\n"
                            "l3.check_count_parameters(count)") == (
        "nnlib.checks.lesson03", "check_count_parameters", "count")


def test_restore_puts_back_the_instructors_check_cells_and_nothing_else():
    source, submission = lesson03(), with_checks_edited(lesson03())
    submission.cells[0].source = "# my notes"
    restored, notes = restore(submission, source)
    assert [c.source for c in restored.cells][1:] == [c.source for c in source.cells][1:]
    assert restored.cells[0].source == "# my notes"
    assert notes == [f"restored the edited cell {e}-check" for e in EXERCISES]


def test_assignments_grade_scores_one_notebook_against_the_lesson_of_its_name(tmp_path,
                                                                              monkeypatch):
    monkeypatch.chdir(ROOT)
    path = tmp_path / LESSON03.name
    nbformat.write(with_checks_edited(blank()), path)
    result = assignments.grade(path, seed=SEED, timeout=60)
    assert result.lesson == "03_the_forward_pass" and result.total == 0
    assert result.max_total == POINTS and set(result.failures) == set(EXERCISES)


def test_command_line_grades_nbgraders_layout_draws_and_records_a_seed(tmp_path, monkeypatch,
                                                                       capsys):
    for student, nb in [("ada", lesson03()), ("bob", blank())]:
        folder = tmp_path / "course" / "submitted" / student / "ps03"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / LESSON03.name)
    monkeypatch.chdir(ROOT)
    gradebook = tmp_path / "grades.csv"
    code = assignments.main(["grade", str(tmp_path / "course"), "--workers", "2",
                             "--timeout", "60", "--gradebook", str(gradebook)])
    out = capsys.readouterr().out
    assert code == 0
    seed = int(out.split("hidden-case seed: ")[1].split()[0])
    assert f"--seed {seed}" in out and f"ada / 03_the_forward_pass: {POINTS}/{POINTS} points" in out
    with open(gradebook, newline="", encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    assert rows["ada"]["total"] == str(POINTS) and rows["bob"]["total"] == "0"
    assert rows["ada"]["seed"] == rows["bob"]["seed"] == str(seed)


def test_a_function_that_hangs_on_the_hidden_cases_scores_0_with_the_reason(fixture_course):
    nb = replace_solution(fixture_lesson(), "double",
                          "def double(x):\n    while len(x) != 3:\n        pass\n    return 2 * x")
    path = fixture_course / "hangs_on_hidden.ipynb"
    nbformat.write(nb, path)
    result = grade_submission(path, fixture_course / "notebooks" / "01_fixture.ipynb",
                              seed=SEED, timeout=15)
    assert result.total == 0
    assert result.error == ("the time limit was reached in a call of the learner's function "
                            "(limit 15 s)")


def test_the_learners_kernel_runs_with_one_blas_thread(tmp_path):
    nb = new_notebook(cells=[new_code_cell(
        "import os\nimport numpy\nfrom threadpoolctl import threadpool_info\n\n"
        "def setting(name):\n    return os.environ.get(name)\n\n"
        "def blas_threads():\n    return [pool['num_threads'] for pool in threadpool_info()]"),
        new_code_cell("pass", metadata={"nbgrader": {"grade_id": "probe"}})])
    capture = {"probe": ("setting", "setting")}
    with KernelSession(nb, tmp_path, deadline=time.monotonic() + 60, capture=capture) as kernel:
        assert kernel.run() == {"setting": True}
        setting = KernelFunction(kernel, "setting", "setting")
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NNLIB_NUM_THREADS"):
            assert setting(name) == "1"
        kernel._hidden(f"{KEPT}['blas'] = blas_threads")
        assert set(KernelFunction(kernel, "blas", "blas_threads")()) <= {1}
