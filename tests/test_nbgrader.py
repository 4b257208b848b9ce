"""nbgrader end to end, with the repository's nbgrader_config.py: generate_assignment,
autograde of a blank and of a solved submission, and export of the grades. A blank scores 0
and a solved one full marks.

nbgrader lives in its own environment (``make nbgrader-env`` makes ``.venv-nbgrader``; the path
can be changed with ``NNLIB_NBGRADER_BIN``). CI runs a short lesson and the one that trains on
MNIST; ``make nbgrader-all`` runs every lesson (``NNLIB_NBGRADER_LESSONS=all``)."""

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("NNLIB_NBGRADER_BIN") or ROOT / ".venv-nbgrader" / "bin")
ALL = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LESSONS = (ALL if os.environ.get("NNLIB_NBGRADER_LESSONS") == "all"
           else ["03_the_forward_pass", "07_training_on_mnist"])


@pytest.fixture(scope="module")
def nbgrader_bin():
    if not (BIN / "nbgrader").is_file():
        message = (f"nbgrader not found in {BIN}: run `make nbgrader-env` (or set "
                   "NNLIB_NBGRADER_BIN to the bin/ folder of an environment with nbgrader)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return BIN


def nbgrader(bin_dir, course, *args):
    """Run ``nbgrader ARGS`` in ``course`` with its environment's bin/ first on PATH."""
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "NNLIB_NUM_THREADS": "1"}
    done = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def test_the_config_the_tests_use_is_the_documented_one():
    readme = (ROOT / "README.md").read_text()
    config = (ROOT / "nbgrader_config.py").read_text()
    assert "[`nbgrader_config.py`](nbgrader_config.py)" in readme
    shown = re.search(r"```python\n(\s*c = get_config\(\).*?)```", readme, re.S).group(1)
    settings = [line.split("#")[0].strip() for line in config.splitlines()
                if line.startswith("c.")]
    assert [line.split("#")[0].strip() for line in shown.splitlines()
            if line.strip().startswith("c.")] == settings
    timeout = int(re.search(r"^c\.Execute\.timeout = (\d+)$", config, re.M).group(1))
    assert timeout >= 600, "a training cell needs more than nbgrader's 30 s"


@pytest.mark.parametrize("lesson", LESSONS)
def test_nbgrader_generates_autogrades_and_exports_a_lesson(lesson, tmp_path, nbgrader_bin):
    course, assignment = tmp_path / "course", "ps1"
    (course / "source" / assignment).mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copy(ROOT / "notebooks" / f"{lesson}.ipynb", course / "source" / assignment)
    nbgrader(nbgrader_bin, course, "generate_assignment", assignment, "--force")
    released = course / "release" / assignment / f"{lesson}.ipynb"
    assert "raise NotImplementedError" in released.read_text()
    for student, notebook in [("blank", released),
                              ("solved", course / "source" / assignment / f"{lesson}.ipynb")]:
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder)
    log = nbgrader(nbgrader_bin, course, "autograde", assignment, "--force")
    assert "Timeout" not in log and "CellTimeoutError" not in log
    nbgrader(nbgrader_bin, course, "export")
    with open(course / "grades.csv", newline="") as handle:
        grades = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(grades) == {"blank", "solved"}
    maximum = float(grades["solved"]["max_score"])
    assert maximum >= 1
    assert float(grades["blank"]["score"]) == 0
    assert float(grades["solved"]["score"]) == maximum
