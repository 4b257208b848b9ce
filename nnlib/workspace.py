"""The learner's workspace: a copy of every lesson with the exercises blank, in ``workspace/``.

``python -m nnlib.workspace`` (what ``make lab`` runs first) takes the solved lessons from the
course's ``notebooks/`` folder and writes, for each lesson not yet in ``workspace/``, its
student version (:func:`nnlib.assignments.student_version`): every exercise is a stub that
raises ``NotImplementedError`` with its first hint, and every output is cleared. A short note
at the top of each copy says where the solved lesson is and how to ask for hints.

The workspace is the learner's: a lesson already in it is never overwritten, and a lesson
added to the course later is added on the next run. ``python -m nnlib.workspace --reset 05``
(or ``--reset 05_backpropagation.ipynb``) replaces one lesson by a fresh blank copy on
purpose, after keeping the old one in ``workspace/backups/`` under a timestamped name.

The lessons are found in ``--notebooks DIR``, else in ``notebooks/`` of the current folder or
of the nearest folder above it that has one; the workspace is ``--workspace DIR``, else
``workspace/`` beside that ``notebooks/`` folder. Nothing is ever written into the installed
package, and every file is written atomically (a temporary file, then a rename), so an
interrupted run never leaves half a notebook.
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

from ._files import atomic_file

LESSON_GLOB = "[0-9][0-9]_*.ipynb"
BACKUPS = "backups"
NOTE_KEY = "nnlib_workspace_note"
README_TEXT = """\
# Your workspace

These are your own copies of the course's lessons. The exercises are blank: write your code
where a cell says `raise NotImplementedError`, run that cell, then run the check below it.

- **Stuck?** A failing check shows a first hint. Ask for the next one with
  `hint("lesson05-backward-propagation")` (each exercise's id is in the note at the top of its
  lesson). The hints give the idea, then the formula, never the code.
- **The solved lessons** are in `notebooks/`, beside this folder: look there when you want to
  compare with a worked answer.
- **Your work is safe:** `python -m nnlib.workspace` (which `make lab` runs) adds lessons that
  are new in the course and never overwrites one you already have.
- **Start a lesson again:** `python -m nnlib.workspace --reset 05` gives you a fresh blank
  copy of lesson 05; your old copy is kept in `workspace/backups/`.
"""


class WorkspaceError(ValueError):
    """The workspace cannot be made: no lessons found, or an unknown lesson to reset."""


# ----------------------------------------------------------------------------- where


def find_notebooks(start=None):
    """The folder holding the solved lessons: ``notebooks/`` in ``start`` (default: the
    current folder) or in the nearest folder above it. Raises :class:`WorkspaceError`."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "notebooks"
        if candidate.is_dir() and any(candidate.glob(LESSON_GLOB)):
            return candidate
    raise WorkspaceError(
        f"no lessons found: expected a folder notebooks/ holding NN_name.ipynb files in "
        f"{start} or a folder above it. Run this command from the course's folder (the one "
        f"with README.md and notebooks/), or pass --notebooks PATH/TO/notebooks.")


def lessons(notebooks_dir):
    """The lesson files ``NN_name.ipynb`` of ``notebooks_dir``, in order."""
    found = sorted(Path(notebooks_dir).glob(LESSON_GLOB))
    if not found:
        raise WorkspaceError(f"no lessons (NN_name.ipynb files) in {notebooks_dir}; pass "
                             f"--notebooks with the course's notebooks/ folder.")
    return found


def match_lesson(name, lesson_paths):
    """The lesson that ``name`` means: its number (``"05"``, ``"5"``), its file name with or
    without ``.ipynb``, or a path to it. Raises :class:`WorkspaceError` listing the lessons."""
    text = Path(str(name)).name
    stem = text[:-len(".ipynb")] if text.endswith(".ipynb") else text
    for path in lesson_paths:
        if stem == path.stem or (stem.isdigit() and int(stem) == int(path.name[:2])):
            return path
    known = ", ".join(path.name for path in lesson_paths)
    raise WorkspaceError(f"no lesson {name!r} to reset; expected a lesson number such as 05 "
                         f"or a file name, one of: {known}.")


# ----------------------------------------------------------------------------- what


def exercise_ids(nb):
    """The ``grade_id`` of every solution cell of a notebook, in order."""
    from .assignments import nbgrader

    return [nbgrader(c)["grade_id"] for c in nb.cells
            if c.cell_type == "code" and nbgrader(c).get("solution") and
            nbgrader(c).get("grade_id")]


def note_cell(lesson_name, ids):
    """The markdown cell at the top of a workspace copy: what it is and where help is."""
    import nbformat

    lines = [
        f"> **Your copy of this lesson.** The exercises are blank: replace each "
        f"`raise NotImplementedError(...)` with your code, run the cell, then run the check "
        f"below it. The solved lesson is `notebooks/{lesson_name}`.",
    ]
    if ids:
        calls = ", ".join(f'`hint("{i}")`' for i in ids)
        lines.append(f">\n> A failing check shows a first hint; ask for the next one with "
                     f"{calls}.")
    lines.append(f">\n> `python -m nnlib.workspace` never overwrites this file; "
                 f"`python -m nnlib.workspace --reset {lesson_name[:2]}` gives you a fresh "
                 f"copy and keeps this one in `workspace/{BACKUPS}/`.")
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.metadata[NOTE_KEY] = True
    return cell


def workspace_copy(lesson_path):
    """The learner's copy of one lesson: its student version, with the note on top."""
    import nbformat

    from .assignments import student_version

    nb = nbformat.read(lesson_path, as_version=4)
    student = student_version(nb, lesson_path.name)
    student.cells.insert(0, note_cell(lesson_path.name, exercise_ids(nb)))
    return student


# ----------------------------------------------------------------------------- writing


def write_notebook(nb, path):
    import nbformat

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "w", encoding="utf-8") as file:
        nbformat.write(nb, file)


def backup(path, backups_dir):
    """Copy ``path`` to ``backups_dir/<stem>-<YYYYmmdd-HHMMSS>.ipynb`` (a new name, never
    overwriting an older backup) and return the backup's path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = Path(backups_dir) / f"{path.stem}-{stamp}{path.suffix}"
    number = 1
    while target.exists():
        number += 1
        target = Path(backups_dir) / f"{path.stem}-{stamp}-{number}{path.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(target, "wb") as file, open(path, "rb") as original:
        shutil.copyfileobj(original, file)
    return target


def update(notebooks_dir=None, workspace_dir=None, reset=(), log=print):
    """Create or update the workspace; return ``{"added": [...], "kept": [...],
    "reset": [(path, backup or None)], "workspace": folder}``.

    Every lesson of ``notebooks_dir`` missing from ``workspace_dir`` is added; one already
    there is kept as it is, except the lessons named in ``reset``, which are backed up and
    replaced by a fresh blank copy. Every copy is made before any file is written, so a lesson
    whose exercise markup is broken stops the run with nothing changed.
    """
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else find_notebooks()
    sources = lessons(notebooks_dir)
    workspace_dir = Path(workspace_dir) if workspace_dir else notebooks_dir.parent / "workspace"
    if workspace_dir.resolve() == notebooks_dir.resolve():
        raise WorkspaceError(f"the workspace {workspace_dir} is the folder of the solved "
                             f"lessons; choose another one (the default is workspace/).")
    to_reset = {match_lesson(name, sources) for name in reset}
    todo = [p for p in sources if p in to_reset or not (workspace_dir / p.name).exists()]
    copies = {p: workspace_copy(p) for p in todo}
    result = {"added": [], "kept": [], "reset": [], "workspace": workspace_dir}
    for source in sources:
        target = workspace_dir / source.name
        if source not in copies:
            result["kept"].append(target)
            continue
        old = backup(target, workspace_dir / BACKUPS) if target.exists() else None
        write_notebook(copies[source], target)
        if source in to_reset:
            result["reset"].append((target, old))
            kept = f"; your old copy is {old}" if old else ""
            log(f"reset {target}{kept}")
        else:
            result["added"].append(target)
            log(f"added {target}")
    readme = workspace_dir / "README.md"
    if not readme.exists():
        with atomic_file(readme, "w", encoding="utf-8") as file:
            file.write(README_TEXT)
    stale = sorted(p.name for p in workspace_dir.glob(LESSON_GLOB)
                   if not (notebooks_dir / p.name).exists())
    if stale:
        log(f"note: {', '.join(stale)} in {workspace_dir} is no longer a lesson of the course "
            f"(kept as it is).")
    log(f"workspace {workspace_dir}: {len(result['added'])} lesson(s) added, "
        f"{len(result['reset'])} reset, {len(result['kept'])} already there (never "
        f"overwritten). The solved lessons are in {notebooks_dir}.")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlib.workspace",
                                     description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="append", default=[], metavar="LESSON",
                        help="replace this lesson (a number such as 05, or a file name) by a "
                             "fresh blank copy, keeping the old one in workspace/backups/; "
                             "may be given several times")
    parser.add_argument("--notebooks", default=None, metavar="DIR",
                        help="the folder of the solved lessons (default: notebooks/ of the "
                             "current folder or the nearest one above it)")
    parser.add_argument("--workspace", default=None, metavar="DIR",
                        help="the learner's folder (default: workspace/ beside notebooks/)")
    args = parser.parse_args(argv)
    from .assignments import ReleaseError

    try:
        update(args.notebooks, args.workspace, reset=args.reset)
    except (WorkspaceError, ReleaseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
