"""One-token mutants of a lesson's reference solution, to show that its check grades.

``solution_source(lesson, grade_id)`` reads the solution cell from the committed lesson, so the
mutants are made from the very code a learner is compared with. ``mutants(source)`` makes every
one-token change between ``### BEGIN SOLUTION`` and ``### END SOLUTION``:

- a swapped operator (``+ -``, ``* /``, ``@`` to ``*``, ``**`` to ``*``, ``//`` to ``/``,
  comparisons ``< <= > >= == !=``, also in ``+=``);
- a changed constant (an integer plus or minus 1, a float doubled or halved, ``True`` and
  ``False`` swapped, one activation name for another);
- a dropped minus, a dropped ``.T``, a dropped ``reversed(...)``;
- a changed axis (``axis=0`` and ``axis=1`` swapped, ``-1`` to ``0``);
- a swapped NumPy function (``sum``/``mean``, ``max``/``min``, ``maximum``/``minimum``,
  ``zeros``/``ones``);
- a result scaled by 1% (every assigned or returned value, each element of a returned tuple,
  list or dict on its own).

Each mutant is ``(description, kind, source)``; ``kind`` is ``"scale"`` for the 1% mutants
(exempt for random results) and ``"token"`` otherwise.
"""

import ast
import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BINARY = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult],
          ast.MatMult: [ast.Mult], ast.Pow: [ast.Mult], ast.FloorDiv: [ast.Div]}
COMPARE = {ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt], ast.Lt: [ast.LtE, ast.Gt],
           ast.LtE: [ast.Lt], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.Is: [ast.IsNot],
           ast.IsNot: [ast.Is], ast.In: [ast.NotIn], ast.NotIn: [ast.In]}
NAMES = {"relu": "tanh", "tanh": "sigmoid", "sigmoid": "softmax", "softmax": "sigmoid"}
FUNCTIONS = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "maximum": "minimum",
             "minimum": "maximum", "zeros": "ones", "ones": "zeros"}


def solution_source(lesson, grade_id):
    """The source of the solution cell ``grade_id`` in ``notebooks/<lesson>*.ipynb``."""
    path = next((ROOT / "notebooks").glob(f"{lesson}_*.ipynb"))
    for cell in json.loads(path.read_text())["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(cell["source"])
    raise KeyError(f"{path.name} has no solution cell {grade_id!r}")


def solution_lines(source):
    """The line numbers (1-based) between the solution markers (every block of the cell)."""
    lines, inside = set(), False
    for number, line in enumerate(source.splitlines(), 1):
        if "### BEGIN SOLUTION" in line:
            inside = True
        elif "### END SOLUTION" in line:
            inside = False
        elif inside:
            lines.add(number)
    return lines


def scaled(node):
    return ast.BinOp(left=node, op=ast.Mult(), right=ast.Constant(1.01))


def sites(node):
    """Every one-token change of ``node`` itself: ``[(description, kind, apply)]``, where
    ``apply()`` changes the node in place (on a copy of the tree) and returns the new node."""
    found = []
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        for op in BINARY.get(type(node.op), []):
            found.append((f"{type(node.op).__name__} -> {op.__name__}", "token",
                          lambda n, op=op: setattr(n, "op", op()) or n))
    if isinstance(node, ast.Compare):
        for i, old in enumerate(node.ops):
            for op in COMPARE.get(type(old), []):
                found.append((f"{type(old).__name__} -> {op.__name__}", "token",
                              lambda n, i=i, op=op: n.ops.__setitem__(i, op()) or n))
    if isinstance(node, ast.Constant) and not isinstance(node.value, str):
        value = node.value
        if isinstance(value, bool):
            changes = [not value]
        elif isinstance(value, int):
            changes = [value + 1, value - 1]
        elif isinstance(value, float):
            changes = [value * 2, value / 2]
        else:
            changes = []
        for new in changes:
            found.append((f"constant {value!r} -> {new!r}", "token",
                          lambda n, new=new: setattr(n, "value", new) or n))
    if isinstance(node, ast.Constant) and node.value in NAMES:
        new = NAMES[node.value]
        found.append((f"'{node.value}' -> '{new}'", "token",
                      lambda n, new=new: setattr(n, "value", new) or n))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        found.append(("drop a unary operator", "token", lambda n: n.operand))
    if isinstance(node, ast.Attribute) and node.attr == "T":
        found.append(("drop .T", "token", lambda n: n.value))
    if isinstance(node, ast.Attribute) and node.attr in FUNCTIONS:
        new = FUNCTIONS[node.attr]
        found.append((f".{node.attr} -> .{new}", "token",
                      lambda n, new=new: setattr(n, "attr", new) or n))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "reversed"):
        found.append(("drop reversed()", "token", lambda n: n.args[0]))
    if (isinstance(node, ast.keyword) and node.arg == "axis"
            and isinstance(node.value, ast.Constant)):
        new = {0: 1, 1: 0, -1: 0}.get(node.value.value)
        if new is not None:
            found.append((f"axis={node.value.value} -> axis={new}", "token",
                          lambda n, new=new: setattr(n.value, "value", new) or n))
    if isinstance(node, (ast.Assign, ast.Return)) and node.value is not None:
        value = node.value
        parts = (value.elts if isinstance(value, (ast.Tuple, ast.List))
                 else value.values if isinstance(value, ast.Dict) else None)
        if parts is None:
            found.append(("scale the result by 1%", "scale",
                          lambda n: setattr(n, "value", scaled(n.value)) or n))
        else:
            for i in range(len(parts)):
                def scale_part(n, i=i):
                    elements = n.value.elts if isinstance(n.value, (ast.Tuple, ast.List)) \
                        else n.value.values
                    elements[i] = scaled(elements[i])
                    return n
                found.append((f"scale element {i} of the result by 1%", "scale", scale_part))
    return found


def walk(tree, lines):
    """The nodes of ``tree`` on the given lines, in a fixed order."""
    return [node for node in ast.walk(tree)
            if getattr(node, "lineno", None) in lines
            or (isinstance(node, ast.keyword) and getattr(node.value, "lineno", None) in lines)]


class Replace(ast.NodeTransformer):
    def __init__(self, target, apply):
        self.target, self.apply = target, apply

    def generic_visit(self, node):
        super().generic_visit(node)
        return self.apply(node) if node is self.target else node


def mutants(source):
    """Every one-token mutant of the solution in ``source``: ``[(description, kind, code)]``."""
    lines = set(solution_lines(source))
    tree = ast.parse(source)
    result = []
    for index, node in enumerate(walk(tree, lines)):
        for number, (description, kind, _) in enumerate(sites(node)):
            fresh = copy.deepcopy(tree)
            target = walk(fresh, lines)[index]
            apply = sites(target)[number][2]
            mutated = ast.fix_missing_locations(Replace(target, apply).visit(fresh))
            code = ast.unparse(mutated)
            line = getattr(node, "lineno", getattr(getattr(node, "value", None), "lineno", "?"))
            result.append((f"line {line}: {description}", kind, code))
    unique = {}
    for description, kind, code in result:
        unique.setdefault(code, (description, kind, code))
    original = ast.unparse(tree)
    return [m for code, m in unique.items() if code != original]


def define(code, namespace, name):
    """Execute a solution cell's code in a copy of ``namespace`` and return ``name``."""
    scope = dict(namespace)
    exec(compile(code, f"<mutant of {name}>", "exec"), scope)  # noqa: S102 (our own lesson code)
    return scope[name]


def solution_expressions(source):
    """The right-hand sides and returned expressions of the solution's lines, without
    whitespace, 6 characters or more: what no text a learner sees before solving may hold.
    A bare name or constant is not counted."""
    lines = set(solution_lines(source))
    found = set()
    for node in ast.walk(ast.parse(source)):
        if getattr(node, "lineno", None) not in lines:
            continue
        value = None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)):
            value = node.value
        # A bare name (``return parameters``) names a thing rather than computing it: the
        # course's texts must be free to say "parameters".
        if value is not None and not isinstance(value, (ast.Name, ast.Constant)):
            text = "".join(ast.get_source_segment(source, value).split())
            if len(text) >= 6:
                found.add(text)
    return found


def leaks(source, text):
    """The solution expressions of ``source`` that ``text`` contains, whitespace ignored."""
    flat = "".join(text.split())
    return sorted(e for e in solution_expressions(source) if e in flat)
