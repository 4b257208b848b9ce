"""The learner's workspace (``python -m nnlib.workspace``): blank copies of the lessons, made
once per lesson, never overwritten, reset on purpose with a backup; and every route of the
README (make, without make, conda, Binder) lands in it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnlib import workspace
from nnlib.assignments import BEGIN, nbgrader

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIRST = "01_the_neuron.ipynb"


def quiet(*args):
    pass


def make_course(tmp_path, names=None):
    """A small course in ``tmp_path``: ``notebooks/`` holding copies of some real lessons."""
    notebooks = tmp_path / "course" / "notebooks"
    notebooks.mkdir(parents=True)
    for path in LESSONS:
        if names is None or path.name in names:
            shutil.copy(path, notebooks / path.name)
    return notebooks


def assert_blank(path):
    """``path`` is a student version: every solution stubbed, no outputs, the note on top."""
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].metadata.get(workspace.NOTE_KEY), f"{path.name}: no note on top"
    solutions = [c for c in nb.cells if nbgrader(c).get("solution")]
    assert solutions, f"{path.name} has no exercise"
    for cell in solutions:
        assert "raise NotImplementedError(" in cell.source, cell.source
        assert not any(BEGIN.match(line) for line in cell.source.splitlines()), cell.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    return nb


def test_the_workspace_holds_a_blank_copy_of_every_lesson_and_a_readme(tmp_path):
    notebooks = make_course(tmp_path)
    result = workspace.update(notebooks, log=quiet)
    folder = notebooks.parent / "workspace"
    assert result["workspace"] == folder
    assert sorted(p.name for p in folder.glob("*.ipynb")) == [p.name for p in LESSONS]
    for path in folder.glob("*.ipynb"):
        nb = assert_blank(path)
        note = nb.cells[0].source
        assert f"notebooks/{path.name}" in note
        for grade_id in workspace.exercise_ids(nbformat.read(notebooks / path.name, 4)):
            assert f'hint("{grade_id}")' in note
    readme = (folder / "README.md").read_text()
    assert "notebooks/" in readme and "hint(" in readme and "--reset" in readme
    # The solved lessons are untouched.
    for path in LESSONS:
        assert (notebooks / path.name).read_bytes() == path.read_bytes()


def test_the_first_hint_is_what_each_stub_raises(tmp_path):
    notebooks = make_course(tmp_path, {FIRST})
    workspace.update(notebooks, log=quiet)
    nb = nbformat.read(notebooks.parent / "workspace" / FIRST, as_version=4)
    stub = next(c for c in nb.cells if nbgrader(c).get("solution"))
    namespace = {}
    exec(stub.source, namespace)
    function = next(v for k, v in namespace.items() if callable(v) and not k.startswith("__"))
    with pytest.raises(NotImplementedError) as raised:
        function(*[None] * function.__code__.co_argcount)
    assert str(raised.value).strip()


def test_a_lesson_already_in_the_workspace_is_never_overwritten(tmp_path):
    notebooks = make_course(tmp_path, {FIRST})
    workspace.update(notebooks, log=quiet)
    mine = notebooks.parent / "workspace" / FIRST
    nb = nbformat.read(mine, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("my_answer = 42"))
    nbformat.write(nb, mine)
    before = mine.read_bytes()
    result = workspace.update(notebooks, log=quiet)
    assert mine.read_bytes() == before
    assert result["kept"] == [mine] and not result["added"] and not result["reset"]


def test_a_lesson_added_to_the_course_later_is_added(tmp_path):
    notebooks = make_course(tmp_path, {FIRST})
    workspace.update(notebooks, log=quiet)
    mine = notebooks.parent / "workspace" / FIRST
    mine.write_text(mine.read_text().replace("Your copy", "My copy"))
    before = mine.read_bytes()
    shutil.copy(LESSONS[1], notebooks / LESSONS[1].name)
    result = workspace.update(notebooks, log=quiet)
    new = notebooks.parent / "workspace" / LESSONS[1].name
    assert result["added"] == [new] and result["kept"] == [mine]
    assert_blank(new)
    assert mine.read_bytes() == before


@pytest.mark.parametrize("name", ["01", "1", "01_the_neuron", FIRST, f"workspace/{FIRST}"])
def test_reset_replaces_one_lesson_and_keeps_the_old_copy_as_a_backup(tmp_path, name):
    notebooks = make_course(tmp_path, {FIRST, LESSONS[1].name})
    folder = notebooks.parent / "workspace"
    workspace.update(notebooks, log=quiet)
    mine, other = folder / FIRST, folder / LESSONS[1].name
    for path in (mine, other):
        path.write_text(path.read_text().replace("Your copy", "My work"))
    old, other_before = mine.read_bytes(), other.read_bytes()
    messages = []
    result = workspace.update(notebooks, reset=[name], log=messages.append)
    [(target, backup)] = result["reset"]
    assert target == mine and backup.parent == folder / workspace.BACKUPS
    assert re.fullmatch(r"01_the_neuron-\d{8}-\d{6}(-\d+)?\.ipynb", backup.name)
    assert backup.read_bytes() == old
    assert_blank(mine)
    assert "My work" not in mine.read_text()
    assert other.read_bytes() == other_before
    assert any(str(backup) in message for message in messages), messages
    # A second reset in the same second keeps both backups.
    again = workspace.update(notebooks, reset=[name], log=quiet)["reset"][0][1]
    assert again != backup and backup.read_bytes() == old


def test_reset_of_an_unknown_lesson_names_the_lessons_and_changes_nothing(tmp_path):
    notebooks = make_course(tmp_path, {FIRST})
    workspace.update(notebooks, log=quiet)
    mine = notebooks.parent / "workspace" / FIRST
    before = mine.read_bytes()
    with pytest.raises(workspace.WorkspaceError, match=r"no lesson '42'.*01_the_neuron"):
        workspace.update(notebooks, reset=["42"], log=quiet)
    assert mine.read_bytes() == before
    assert not (mine.parent / workspace.BACKUPS).exists()


def test_without_lessons_the_command_fails_clearly(tmp_path):
    process = subprocess.run([sys.executable, "-m", "nnlib.workspace"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 2
    assert "no lessons found" in process.stderr and "--notebooks" in process.stderr
    assert not (tmp_path / "workspace").exists()


def test_the_workspace_must_not_be_the_solved_lessons(tmp_path):
    notebooks = make_course(tmp_path, {FIRST})
    with pytest.raises(workspace.WorkspaceError, match="choose another one"):
        workspace.update(notebooks, notebooks, log=quiet)


def package_snapshot(folder):
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_it_works_from_a_non_editable_install_and_writes_nothing_into_the_package(tmp_path):
    """The package alone (as pip puts it in site-packages), run from a course checkout's
    subfolder: the lessons come from the checkout, the workspace lands beside them, and the
    package folder is left as it was."""
    site = tmp_path / "site-packages"
    shutil.copytree(REPO / "nnlib", site / "nnlib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = package_snapshot(site)
    notebooks = make_course(tmp_path, {FIRST})
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="1")
    inside = notebooks.parent / "somewhere"
    inside.mkdir()
    process = subprocess.run([sys.executable, "-m", "nnlib.workspace"], cwd=inside, env=env,
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stderr
    assert "added" in process.stdout
    assert_blank(notebooks.parent / "workspace" / FIRST)
    assert package_snapshot(site) == before
    check = subprocess.run([sys.executable, "-c", "import nnlib; print(nnlib.__file__)"],
                           cwd=inside, env=env, capture_output=True, text=True, timeout=120)
    assert Path(check.stdout.strip()).parent == site / "nnlib"


def test_the_mnist_cache_is_the_same_from_the_workspace_as_from_the_notebooks(tmp_path):
    """Lessons run from workspace/ as from notebooks/: nnlib's default data folder does not
    depend on the current folder."""
    code = "from nnlib.data import default_data_dir; print(default_data_dir())"
    env = {k: v for k, v in os.environ.items() if k != "NNLIB_DATA_DIR"}
    folders = []
    for cwd in (REPO / "notebooks", tmp_path):
        out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                             capture_output=True, text=True, timeout=120, check=True).stdout
        folders.append(out.strip())
    assert folders[0] == folders[1]


# ----------------------------------------------------------------------------- the routes


def make_lab_commands():
    """The commands ``make -n lab`` would run, with the venv's tools as this Python's."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "lab", "VENV=/nonexistent-venv"], cwd=REPO,
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return [line.replace("/nonexistent-venv/bin/", "") for line in out.splitlines()
            if line.startswith("/nonexistent-venv/bin/") and "pip" not in line]


def readme_routes():
    """Each fenced block of the README's Quick start and conda sections that opens
    JupyterLab, as a list of command lines (comments dropped, the venv prefix removed)."""
    text = (REPO / "README.md").read_text()
    start, end = text.index("## Quick start"), text.index("## The lessons")
    routes = []
    for block in re.findall(r"```bash\n(.*?)```", text[start:end], re.S):
        lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()]
        lines = [re.sub(r"^\.venv/bin/", "", line) for line in lines if line]
        if any(line.startswith("jupyter lab") for line in lines):
            routes.append(lines)
    return routes


def follow(commands, checkout):
    """Run the workspace step of ``commands`` in ``checkout`` (a copy of the course) and
    return the notebook the ``jupyter lab`` line opens."""
    lab = [c for c in commands if c.startswith("jupyter lab")]
    assert len(lab) == 1, commands
    steps = commands[:commands.index(lab[0])]
    made = [c for c in steps if re.fullmatch(r"python -m nnlib\.workspace", c)]
    assert made, f"nothing makes the workspace before `{lab[0]}`: {commands}"
    subprocess.run([sys.executable, "-m", "nnlib.workspace"], cwd=checkout, check=True,
                   capture_output=True, timeout=300)
    target = lab[0].split()[-1]
    return checkout / target


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A fresh checkout's view of the course: its notebooks, no workspace yet."""
    folder = tmp_path_factory.mktemp("checkout")
    shutil.copytree(REPO / "notebooks", folder / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return folder


def test_make_lab_makes_the_workspace_then_opens_its_first_lesson(checkout):
    commands = make_lab_commands()
    assert commands[-1] == f"jupyter lab workspace/{FIRST}", commands
    opened = follow(commands, checkout)
    assert opened == checkout / "workspace" / FIRST
    assert_blank(opened)


def test_every_readme_route_lands_in_the_blank_workspace(checkout):
    routes = readme_routes()
    assert len(routes) >= 2, "expected the route without make and the conda route"
    for commands in routes:
        opened = follow(commands, checkout)
        assert opened == checkout / "workspace" / FIRST, commands
        assert_blank(opened)


def test_the_binder_badge_opens_the_workspace():
    text = (REPO / "README.md").read_text()
    badges = re.findall(r"\(https://mybinder\.org/v2/[^)]*\)", text)
    assert badges, "no Binder badge in README.md"
    for badge in badges:
        assert f"urlpath=lab/tree/workspace/{FIRST}" in badge, badge


def test_binder_makes_the_workspace():
    post_build = REPO / "binder" / "postBuild"
    if not post_build.exists():
        pytest.skip("binder/postBuild is not in this checkout yet")
    assert re.search(r"^\s*python3? -m nnlib\.workspace\b", post_build.read_text(), re.M)


def test_the_workspace_is_ignored_by_git_and_by_pytest_and_ruff():
    assert re.search(r"^/?workspace/?$", (REPO / ".gitignore").read_text(), re.M)
    pyproject = (REPO / "pyproject.toml").read_text()
    norecurse = re.search(r"^norecursedirs = \[(.*)\]$", pyproject, re.M).group(1)
    assert '"workspace"' in norecurse
    exclude = re.search(r"^extend-exclude = \[(.*)\]$", pyproject, re.M).group(1)
    assert '"workspace"' in exclude
