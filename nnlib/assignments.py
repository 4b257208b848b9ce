"""Classroom assignments: student versions of the lessons, and grading.

Every "your turn" exercise in a lesson is a *solution cell* (nbgrader metadata
``"solution": true``) whose answer sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION``, inside a function, with a ``# Hint: ...`` as its first line; the next cell
is a *graded check cell* (``"grade": true``) that calls a check from :mod:`nnlib.checks`.

``python -m nnlib.assignments release`` writes student versions of the lessons in
``./notebooks`` (or of the notebooks named) to ``./release``: each answer becomes
``raise NotImplementedError("<the first hint>")`` and all outputs are cleared; everything else
is unchanged and the source notebooks are never touched.
``python -m nnlib.assignments grade SUBMISSIONS`` grades learners' notebooks (see
:mod:`nnlib.grading`). The lessons also work with nbgrader as they are.
"""

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from .checks.hints import first_hint
from .grading.classroom import (
    DEFAULT_TIMEOUT,
    cpu_count,
    draw_seed,
    find_submissions,
    grade_class,
    match_lesson,
    source_lessons,
    write_gradebook,
)
from .grading.grader import grade_submission

BEGIN = re.compile(r"^\s*#+\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*#+\s*END SOLUTION\s*$")
HINT = re.compile(r"^\s*# Hint:\s*(\S.*)$")


class ReleaseError(ValueError):
    """A lesson's exercise markup is wrong; the message names the notebook and the cell."""


def nbgrader(cell):
    """The cell's nbgrader metadata (an empty dict if it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def stub_solution(source, where, exercise_id=None):
    """Replace each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block in ``source`` with
    ``raise NotImplementedError("<hint>")`` at the block's indentation.

    The hint is the exercise's first hint from :mod:`nnlib.checks.hints` (``exercise_id`` is
    the solution cell's ``grade_id``), or else the block's ``# Hint: ...`` first line.
    Raises :class:`ReleaseError` for unbalanced or nested markers, a block with no hint, or a
    block outside a function body.
    """
    registered = None
    if exercise_id is not None:
        try:
            registered = first_hint(exercise_id)
        except KeyError:
            registered = None
    out, block = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN.match(line):
            if block is not None:
                raise ReleaseError(f"{where}: nested BEGIN SOLUTION at line {number} "
                                   f"(the block from line {block['line']} is not closed).")
            indent = line[: len(line) - len(line.lstrip())]
            if not indent:
                raise ReleaseError(f"{where}: the solution at line {number} must sit inside a "
                                   "function body, so that the student version still runs.")
            block = {"line": number, "indent": indent, "hint": None, "lines": 0}
        elif END.match(line):
            if block is None:
                raise ReleaseError(f"{where}: END SOLUTION at line {number} has no BEGIN.")
            block["hint"] = registered or block["hint"]
            if block["hint"] is None:
                raise ReleaseError(f"{where}: the solution from line {block['line']} has no "
                                   "hint: register its hints in nnlib/checks/lessonNN.py "
                                   "(HINTS) or start it with '# Hint: <one line>'.")
            out.append(f"{block['indent']}raise NotImplementedError({block['hint']!r})")
            block = None
        elif block is not None:
            if line.strip() and block["lines"] == 0:
                hint = HINT.match(line)
                if not hint and registered is None:
                    raise ReleaseError(f"{where}: the first line of the solution from line "
                                       f"{block['line']} must be '# Hint: <one line>' (or "
                                       "register the exercise's hints in HINTS).")
                block["hint"] = hint.group(1).strip() if hint else None
            block["lines"] += bool(line.strip())
        else:
            out.append(line)
    if block is not None:
        raise ReleaseError(f"{where}: BEGIN SOLUTION at line {block['line']} has no END.")
    return "\n".join(out)


def exercises(nb, name):
    """``[(solution_index, check_index), ...]`` after checking the markup of every exercise."""
    found = []
    for index, cell in enumerate(nb.cells):
        has_markers = any(BEGIN.match(x) or END.match(x) for x in cell.source.splitlines())
        if not (nbgrader(cell).get("solution") or has_markers):
            continue
        where = f"{name}, cell {index}"
        if cell.cell_type != "code" or not nbgrader(cell).get("solution"):
            raise ReleaseError(f"{where}: has solution markers but no nbgrader metadata "
                               "{'solution': true}.")
        if not has_markers:
            raise ReleaseError(f"{where}: is a solution cell without ### BEGIN/END SOLUTION.")
        stub_solution(cell.source, where, nbgrader(cell).get("grade_id"))
        following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if (following is None or not nbgrader(following).get("grade")
                or "check_" not in following.source):
            raise ReleaseError(f"{where}: the exercise has no check: the next cell must be a "
                               "graded cell (nbgrader 'grade': true) that calls a check_ function.")
        found.append((index, index + 1))
    return found


def student_version(nb, name):
    """A copy of the notebook with every solution stubbed out and every output cleared."""
    student = copy.deepcopy(nb)
    solutions = {i for i, _ in exercises(nb, name)}
    student.metadata.pop("widgets", None)
    for index, cell in enumerate(student.cells):
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        if index in solutions:
            cell.source = stub_solution(cell.source, f"{name}, cell {index}",
                                        nbgrader(cell).get("grade_id"))
    return student


def lesson_paths(folder=None):
    """The lessons ``NN_name.ipynb`` in ``folder`` (default: ``notebooks/`` in the current
    directory, the course folder), sorted by number."""
    folder = Path(folder) if folder is not None else Path.cwd() / "notebooks"
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def release(paths=None, out_dir=None):
    """Write student versions of ``paths`` (default: every lesson in ``./notebooks``) into
    ``out_dir`` (default ``./release``). Returns the written paths. Checks every notebook
    before writing any; never writes anywhere else (in particular not into the installed
    package). Raises :class:`ReleaseError` when there is nothing to release."""
    if not paths:
        paths = lesson_paths()
        if not paths:
            raise ReleaseError(
                f"no lessons found in {Path.cwd() / 'notebooks'}: run this from the course "
                "folder (the one that holds notebooks/), or name the notebooks to release.")
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ReleaseError(f"no such notebook: {', '.join(missing)}; give paths to .ipynb files.")
    out_dir = Path(out_dir if out_dir is not None else Path.cwd() / "release").resolve()
    if any(out_dir == p.resolve().parent for p in paths):
        raise ReleaseError(f"the output folder {out_dir} holds the source notebooks; "
                           "choose another one (the default is release/).")
    students = {p.name: student_version(nbformat.read(p, as_version=4), p.name) for p in paths}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, nb in students.items():
        nbformat.write(nb, out_dir / name)
        written.append(out_dir / name)
    return written


def grade(path, source=None, seed=None, timeout=DEFAULT_TIMEOUT):
    """Grade one learner's notebook (see :mod:`nnlib.grading`) and return its
    :class:`~nnlib.grading.grader.Result`.

    source: the source lesson (default: the lesson of the same name in ``./notebooks``);
    seed: the hidden-case seed (``None``: visible cases only); timeout: seconds for the whole
    notebook.
    """
    path = Path(path)
    source = Path(source) if source is not None else match_lesson(path, source_lessons(None))
    if source is None:
        raise ValueError(f"cannot tell which lesson {path} is: pass source=<the lesson>.")
    return grade_submission(path, source, seed=seed, timeout=timeout)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlib.assignments", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser("release", help="write student versions of the lessons")
    rel.add_argument("notebooks", nargs="*",
                     help="lessons to release (default: every lesson in ./notebooks)")
    rel.add_argument("--out", default=None,
                     help="output folder (default: release/ in the current directory)")
    grd = commands.add_parser(
        "grade", help="grade a class: submissions in parallel into a gradebook CSV",
        description="Grade learners' notebooks. Each runs in its own kernel; its graded "
                    "check cells are restored from the source lesson first, and the checks "
                    "run in the grader, also on hidden cases drawn from --seed.")
    grd.add_argument("submissions", nargs="+",
                     help="notebooks, or folders of them (one per learner, <learner>/..., or "
                          "nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb)")
    grd.add_argument("--source", default=None,
                     help="folder of the source lessons (default: ./notebooks)")
    grd.add_argument("--seed", type=int, default=None,
                     help="hidden-case seed (default: one is drawn and printed)")
    grd.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                     help=f"seconds per notebook (default: {DEFAULT_TIMEOUT})")
    grd.add_argument("--workers", type=int, default=None,
                     help=f"notebooks graded at once (default: one per CPU, {cpu_count()} here)")
    grd.add_argument("--gradebook", default="gradebook.csv",
                     help="the CSV to write (default: gradebook.csv)")
    args = parser.parse_args(argv)
    try:
        if args.command == "release":
            for path in release(args.notebooks, args.out):
                print(f"wrote {path}")
            return 0
        submissions = find_submissions(*args.submissions)
        if not submissions:
            print(f"error: no notebooks found in {' '.join(args.submissions)}", file=sys.stderr)
            return 2
        seed = args.seed
        if seed is None:
            seed = draw_seed()
            print(f"hidden-case seed: {seed} (drawn; grade again with --seed {seed} to get "
                  "the same cases)")
        else:
            print(f"hidden-case seed: {seed}")
        results = grade_class(submissions, args.source, seed=seed, timeout=args.timeout,
                              workers=args.workers)
        path = write_gradebook(results, args.gradebook)
        print(f"wrote {path}: {len(results)} notebook{'s' * (len(results) != 1)}")
        return 0
    except (ReleaseError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
