"""The exercises of a lesson, read from its nbgrader cells, and a submission put back in order.

A lesson's exercise is a *solution cell* (nbgrader ``"solution": true``) followed by a *graded
check cell* (``"grade": true``) such as::

    from nnlib.checks.lesson03 import check_forward_propagation

    check_forward_propagation(forward_propagation)

The check cell is read with :mod:`ast`, never run here: it names the check (module and
function) and the learner's function. :func:`restore` gives a submission back the instructor's
graded and locked cells, matched by ``grade_id`` as nbgrader does, so that an edited check cell
counts for nothing.
"""

import ast
import copy
from dataclasses import dataclass

from nbformat.v4 import new_code_cell


class LessonError(ValueError):
    """A source lesson's exercise cells cannot be read; the message names the cell."""


@dataclass(frozen=True)
class Exercise:
    """One graded exercise of a source lesson.

    grade_id: the solution cell's id (e.g. ``"lesson03-forward-propagation"``), which names the
    exercise; check_id: the check cell's id; points: what the check cell is worth;
    module, check: where the check function lives (``"nnlib.checks.lesson03"``,
    ``"check_forward_propagation"``); function: the learner's function the check is given.
    """

    grade_id: str
    check_id: str
    points: float
    module: str
    check: str
    function: str


def nbgrader(cell):
    """The cell's nbgrader metadata (an empty dict if it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def parse_check_cell(source, where="the check cell"):
    """``(module, check, function)`` from a check cell's source.

    The cell imports the check (``from M import check_x`` or ``from P import M`` then
    ``M.check_x``) and calls it once with the learner's function by name: ``check_x(name)``.
    Raises :class:`LessonError` otherwise.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise LessonError(
            f"{where}: not valid Python ({error.msg}, line {error.lineno}).") from None
    names, modules = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id.startswith("check_") and func.id in names:
            module, check = names[func.id]
        elif (isinstance(func, ast.Attribute) and func.attr.startswith("check_")
              and isinstance(func.value, ast.Name) and func.value.id in modules):
            module, check = modules[func.value.id], func.attr
        else:
            continue
        calls.append((module, check, node))
    if len(calls) != 1:
        raise LessonError(f"{where}: expected one call of an imported check_ function, "
                          f"found {len(calls)}.")
    module, check, call = calls[0]
    if not call.args or not isinstance(call.args[0], ast.Name):
        raise LessonError(f"{where}: {check} must be called with the learner's function by "
                          "name, e.g. check_forward_propagation(forward_propagation).")
    return module, check, call.args[0].id


def exercises(nb, name="the lesson"):
    """The exercises of a source lesson, in order: each solution cell with the graded check
    cell that follows it. Raises :class:`LessonError` for a solution cell without a check."""
    found = []
    for index, cell in enumerate(nb.cells):
        if not nbgrader(cell).get("solution") or cell.cell_type != "code":
            continue
        following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        where = f"{name}, cell {index + 1}"
        if following is None or not nbgrader(following).get("grade"):
            raise LessonError(f"{where}: the solution cell is not followed by a graded check "
                              "cell (nbgrader 'grade': true).")
        module, check, function = parse_check_cell(following.source, f"{name}, cell {index + 2}")
        found.append(Exercise(
            grade_id=nbgrader(cell).get("grade_id", f"cell-{index}"),
            check_id=nbgrader(following).get("grade_id", f"cell-{index + 1}"),
            points=float(nbgrader(following).get("points", 0)),
            module=module, check=check, function=function))
    return found


def grade_ids(nb):
    """Every nbgrader ``grade_id`` in a notebook (a set)."""
    return {nbgrader(c)["grade_id"] for c in nb.cells if "grade_id" in nbgrader(c)}


def restore(submission, source):
    """A copy of ``submission`` with the source's graded and locked cells put back.

    Every source cell that is graded (``grade``) but not a solution, or locked, replaces the
    submission's cell with the same ``grade_id`` (source and metadata, outputs cleared); a
    missing one is inserted after the cell that precedes it in the source. Returns
    ``(notebook, notes)``, where ``notes`` says what was restored or inserted.
    """
    restored = copy.deepcopy(submission)
    notes = []
    position = {nbgrader(c).get("grade_id"): i for i, c in enumerate(restored.cells)
                if nbgrader(c).get("grade_id")}
    previous_id = None
    for cell in source.cells:
        meta = nbgrader(cell)
        grade_id = meta.get("grade_id")
        protected = (meta.get("grade") and not meta.get("solution")) or meta.get("locked")
        if grade_id and protected:
            fresh = new_code_cell(cell.source, metadata=copy.deepcopy(cell.metadata))
            if cell.cell_type != "code":
                fresh = copy.deepcopy(cell)
            if grade_id in position:
                old = restored.cells[position[grade_id]]
                if old.source != cell.source or nbgrader(old) != meta:
                    notes.append(f"restored the edited cell {grade_id}")
                restored.cells[position[grade_id]] = fresh
            else:
                after = position.get(previous_id, len(restored.cells) - 1)
                restored.cells.insert(after + 1, fresh)
                notes.append(f"inserted the missing cell {grade_id}")
                position = {nbgrader(c).get("grade_id"): i for i, c in enumerate(restored.cells)
                            if nbgrader(c).get("grade_id")}
        if grade_id:
            previous_id = grade_id
    return restored, notes
