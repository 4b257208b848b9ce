"""Tools for the exercise tests: one-token mutants of a reference solution, the solution lines
that no hint may contain, and a function that only memorizes the visible answers.

``solution_source(notebook, grade_id)`` reads the solution cell of an exercise;
``mutants(source)`` yields ``(description, mutated_source)`` for every one-token change inside
the ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block: a swapped arithmetic or comparison
operator, a changed number, a dropped minus or ``not``, a changed ``axis=``, a dropped ``.T``,
and every returned value scaled by 1%. A test then runs the exercise's check on each mutant
and expects it to fail, except for mutants listed as equivalent (each with its reason).
"""

import ast
import copy
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

SWAPS = {
    ast.Add: (ast.Sub, ast.Mult), ast.Sub: (ast.Add, ast.Div), ast.Mult: (ast.Div, ast.Add),
    ast.Div: (ast.Mult, ast.Sub), ast.Pow: (ast.Mult,), ast.FloorDiv: (ast.Div,),
    ast.MatMult: (ast.Mult,), ast.Mod: (ast.FloorDiv,),
    ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt, ast.GtE), ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE), ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,),
}


def solution_source(notebook, grade_id):
    """The source of the solution cell ``grade_id`` in ``notebooks/<notebook>``."""
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return cell.source
    raise KeyError(f"{notebook} has no cell {grade_id!r}")


def solution_lines(source):
    """The line numbers (from 1) strictly between the BEGIN and END SOLUTION markers."""
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines, 1) if "BEGIN SOLUTION" in line)
    end = next(i for i, line in enumerate(lines, 1) if "END SOLUTION" in line)
    return range(begin + 1, end)


def _changes(node):
    """``(description, change)`` pairs for one node; ``change(node)`` mutates it in place."""
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        for new in SWAPS.get(type(node.op), ()):
            yield (f"{type(node.op).__name__} -> {new.__name__}",
                   lambda n, new=new: setattr(n, "op", new()))
    elif isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            for new in SWAPS.get(type(op), ()):
                def change(n, index=index, new=new):
                    n.ops[index] = new()
                yield f"{type(op).__name__} -> {new.__name__}", change
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value
        floats = (value * 1.01,) if value else (1.0,)
        for new in ((value + 1, value - 1) if isinstance(value, int) else floats):
            yield f"{value!r} -> {new!r}", lambda n, new=new: setattr(n, "value", new)
    elif isinstance(node, ast.keyword) and node.arg == "axis":
        for new in (0, 1, None):
            if not (isinstance(node.value, ast.Constant) and node.value.value == new):
                yield (f"axis -> {new}",
                       lambda n, new=new: setattr(n, "value", ast.Constant(new)))


def _parent_changes(node):
    """Changes that replace a child of ``node``: a dropped unary minus, ``not`` or ``.T``,
    and a returned value scaled by 1%."""
    for field, value in ast.iter_fields(node):
        children = value if isinstance(value, list) else [value]
        for index, child in enumerate(children):
            replacement, what = None, None
            if isinstance(child, ast.UnaryOp) and isinstance(child.op, (ast.USub, ast.Not)):
                replacement, what = child.operand, f"drop {type(child.op).__name__}"
            elif isinstance(child, ast.Attribute) and child.attr == "T":
                replacement, what = child.value, "drop .T"
            if replacement is not None:
                yield what, _replace(field, index, isinstance(value, list), replacement)
    if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)
            and not isinstance(node.value, ast.Tuple)):
        def change(n):
            n.value = ast.BinOp(left=n.value, op=ast.Mult(), right=ast.Constant(1.01))
        yield "stored value scaled by 1.01", change
    if isinstance(node, ast.Return) and node.value is not None:
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for index, value in enumerate(values):
            scaled = ast.BinOp(left=value, op=ast.Mult(), right=ast.Constant(1.01))
            if isinstance(node.value, ast.Tuple):
                def change(n, index=index, scaled=scaled):
                    n.value.elts[index] = scaled
            else:
                def change(n, scaled=scaled):
                    n.value = scaled
            yield f"returned value {index} scaled by 1.01", change


def _replace(field, index, is_list, replacement):
    def change(n):
        if is_list:
            getattr(n, field)[index] = replacement
        else:
            setattr(n, field, replacement)
    return change


def mutants(source):
    """Yield ``(description, source)`` for each one-token mutant of the solution block."""
    tree = ast.parse(source)
    inside = set(solution_lines(source))
    nodes = [n for n in ast.walk(tree) if getattr(n, "lineno", None) in inside
             or (isinstance(n, ast.keyword) and n.value.lineno in inside)]
    for position, node in enumerate(nodes):
        for description, change in [*_changes(node), *_parent_changes(node)]:
            mutated = copy.deepcopy(tree)
            target = [n for n in ast.walk(mutated) if getattr(n, "lineno", None) in inside
                      or (isinstance(n, ast.keyword) and n.value.lineno in inside)][position]
            change(target)
            line = getattr(node, "lineno", None) or node.value.lineno
            text = source.splitlines()[line - 1].strip()
            mutated = ast.unparse(ast.fix_missing_locations(mutated))
            yield f"line {line} `{text}`: {description}", mutated


def function_from(source, name, namespace):
    """Execute ``source`` in a copy of ``namespace`` and return the function ``name``."""
    scope = dict(namespace)
    exec(compile(source, f"<{name}>", "exec"), scope)
    return scope[name]


def surviving(source, name, namespace, check, equivalent=(), **check_options):
    """The descriptions of mutants that pass ``check`` and are not listed in ``equivalent``
    (each listed entry is a substring of a mutant's description)."""
    from nnlib.checks.core import CheckFailed

    survivors = []
    for description, mutated in mutants(source):
        if any(e in description for e in equivalent):
            continue
        try:
            check(function_from(mutated, name, namespace), **check_options)
        except CheckFailed:
            continue
        survivors.append(description)
    return survivors


def solution_expressions(source):
    """The lines of a solution that no text shown before solving may contain: the right-hand
    side of every assignment and every returned expression in the solution block, whitespace
    removed, 6 characters or more."""
    inside = set(solution_lines(source))
    found = set()
    for node in ast.walk(ast.parse(source)):
        if getattr(node, "lineno", None) not in inside:
            continue
        value = None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)):
            value = node.value
        if value is not None:
            text = "".join(ast.get_source_segment(source, value).split())
            if len(text) >= 6:
                found.add(text)
    return found


def leaks(text, expressions):
    """The solution expressions that appear in ``text``, whitespace ignored."""
    flat = "".join(str(text).split())
    return sorted(e for e in expressions if e in flat)


def markdown_before(notebook, grade_id):
    """The markdown of ``notebooks/<notebook>`` (every markdown cell: a learner may read ahead)."""
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def memorizing(check, function):
    """A function that gives ``function``'s answers on the visible cases of ``check`` and
    garbage on anything else: what hard-coding the visible answers amounts to."""
    import numpy as np

    answers = {}

    def key(args):
        return repr([np.asarray(a).tobytes() if hasattr(a, "shape") else repr(a) for a in args])

    def record(*args):
        answers[key(args)] = result = function(*args)
        return result

    check(record)

    def replay(*args):
        found = answers.get(key(args))
        return found if found is not None else np.full(1, 0.5)

    return replay
