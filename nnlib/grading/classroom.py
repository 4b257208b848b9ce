"""Grading a class: find the submissions, grade them in parallel, write the gradebook.

Submissions are either one notebook per learner in a folder (``alice.ipynb``; the learner is
the file's name) or in sub-folders (``alice/03_the_forward_pass.ipynb``, or nbgrader's
``submitted/<student>/<assignment>/<notebook>.ipynb``; the learner is the first folder). Each
is matched to its source lesson by file name, else by the nbgrader ids it shares with one.

Every notebook runs in its own kernel with one BLAS thread, one worker per CPU, each with a
time limit; the gradebook CSV has a row per learner and lesson: the points of each exercise,
the total, the failure messages, what was flagged or restored, and the hidden-case seed.
"""

import csv
import multiprocessing
import os
import secrets
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .._files import atomic_file
from .grader import Result, grade_submission, load_notebook
from .notebook import grade_ids

DEFAULT_TIMEOUT = 1800  # seconds per notebook: the MNIST lessons on one busy BLAS thread


def cpu_count():
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def find_submissions(*roots):
    """``[(learner, path), ...]`` for every notebook under ``roots`` (files or folders)."""
    found = []
    for root in map(Path, roots):
        if root.is_file():
            found.append((root.stem, root))
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"no such file or folder: {root}")
        if (root / "submitted").is_dir():
            root = root / "submitted"
        for path in sorted(root.rglob("*.ipynb")):
            relative = path.relative_to(root)
            if ".ipynb_checkpoints" in relative.parts:
                continue
            found.append((relative.parts[0] if len(relative.parts) > 1 else path.stem, path))
    return found


def source_lessons(folder):
    """``{file name: path}`` of the lessons in ``folder`` (default ``./notebooks``)."""
    folder = Path(folder) if folder is not None else Path.cwd() / "notebooks"
    lessons = {p.name: p for p in sorted(folder.glob("*.ipynb"))
               if not p.name.startswith(".")}
    if not lessons:
        raise FileNotFoundError(f"no source lessons in {folder}: run this from the course "
                                "folder (the one that holds notebooks/) or pass --source DIR.")
    return lessons


def match_lesson(path, lessons):
    """The source lesson of the submission at ``path``: the one of the same file name, else
    the one that shares the most nbgrader ids with it, else ``None``."""
    if path.name in lessons:
        return lessons[path.name]
    nb, _ = load_notebook(path)
    if nb is None:
        return None
    ids = grade_ids(nb)
    best, shared = None, 0
    for lesson in lessons.values():
        lesson_nb, _ = load_notebook(lesson)
        common = len(ids & grade_ids(lesson_nb)) if lesson_nb is not None else 0
        if common > shared:
            best, shared = lesson, common
    return best


_limits = None


def _start_worker():
    """In each worker: one BLAS thread (the worker's own process, gone after grading), and
    every check module imported before any learner's code has run."""
    global _limits
    import importlib
    import pkgutil

    from threadpoolctl import threadpool_limits

    import nnlib.checks

    _limits = threadpool_limits(limits=1)
    for info in pkgutil.iter_modules(nnlib.checks.__path__):
        importlib.import_module(f"nnlib.checks.{info.name}")


def _grade(task):
    learner, path, source, seed, timeout = task
    if source is None:
        _, unreadable = load_notebook(path)
        return Result(learner=learner, lesson="?", path=str(path), seed=seed,
                      error=unreadable or "cannot tell which lesson this is: name the file "
                      "like its lesson (e.g. 03_the_forward_pass.ipynb) or keep its nbgrader "
                      "cells")
    try:
        return grade_submission(path, source, seed=seed, timeout=timeout, learner=learner,
                                lesson=Path(source).stem)
    except Exception as error:  # the grader's own failure must not stop the class
        return Result(learner=learner, lesson=Path(source).stem, path=str(path), seed=seed,
                      error=f"the grader failed on this notebook: {type(error).__name__}: "
                            f"{error}")


def grade_class(submissions, source=None, seed=None, timeout=DEFAULT_TIMEOUT, workers=None,
                report=print):
    """Grade every submission in parallel; returns the :class:`Result` list, in the order of
    ``submissions`` (``[(learner, path), ...]``). ``report`` gets a line per notebook."""
    lessons = source_lessons(source)
    tasks = [(learner, path, match_lesson(Path(path), lessons), seed, timeout)
             for learner, path in submissions]
    workers = max(1, min(workers or cpu_count(), len(tasks) or 1))
    results = [None] * len(tasks)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_start_worker) as pool:
        futures = {pool.submit(_grade, task): index for index, task in enumerate(tasks)}
        for future, index in futures.items():
            learner, path, source_path, _, _ = tasks[index]
            try:
                results[index] = future.result()
            except Exception as error:  # a worker that died (e.g. killed from outside)
                results[index] = Result(learner=learner, lesson=Path(source_path).stem
                                        if source_path else "?", path=str(path), seed=seed,
                                        error=f"the grading worker died: {error}")
            report(summary(results[index]))
    return results


def summary(result):
    """A few lines about one result: the score, then each failure, flag and note."""
    lines = [f"{result.learner} / {result.lesson}: {result.total:g}/{result.max_total:g} points"]
    if result.error:
        lines.append(f"  ✘ 0 points: {result.error}")
    lines += [f"  ✘ {grade_id}: {message}" for grade_id, message in result.failures.items()]
    lines += [f"  ⚑ {flag}" for flag in result.flags]
    lines += [f"  · {note}" for note in result.notes]
    return "\n".join(lines)


def exercise_columns(results):
    """The exercise ids of every graded lesson, in lesson order."""
    columns = []
    for result in sorted(results, key=lambda r: r.lesson):
        for grade_id in result.possible:
            if grade_id not in columns:
                columns.append(grade_id)
    return columns


def write_gradebook(results, path):
    """Write the gradebook CSV atomically (a failed write leaves an older file intact)."""
    path = Path(path)
    columns = exercise_columns(results)
    header = ["learner", "lesson", *columns, "total", "possible", "failures", "flags", "notes",
              "seed"]
    with atomic_file(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in results:
            failures = ([f"notebook: {r.error}"] if r.error else []) + [
                f"{grade_id}: {message}" for grade_id, message in r.failures.items()]
            writer.writerow([r.learner, r.lesson,
                             *[f"{r.points[c]:g}" if c in r.points else "" for c in columns],
                             f"{r.total:g}", f"{r.max_total:g}", " | ".join(failures),
                             " | ".join(r.flags), " | ".join(r.notes),
                             "" if r.seed is None else r.seed])
    return path


def draw_seed():
    """A fresh hidden-case seed (printed and recorded, so grades can be reproduced)."""
    return secrets.randbelow(2**31)

