"""The course's exercises as data: found in the lessons, measured, and mutated.

Used by the course's own quality tests and by ``benchmarks/exercise_report.py``; an instructor
can run the same on new exercises. This is the course's one implementation of mutants and of
the leak rule: the tests of every lesson use it.

- :func:`discover` finds every exercise of some lessons: a solution cell (nbgrader
  ``solution: true``) and the graded check cell after it, which calls ``check_name(name)``.
- :func:`solution_lines` are the lines a learner writes (non-blank, non-comment, between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``; a cell may hold several such blocks, e.g.
  one per method of a class); :func:`solution_expressions` are the right-hand sides and
  returned expressions of those lines, whitespace removed, 6 characters or more;
  :func:`leaks` says which of them a text contains word for word.
- :func:`mutants` makes the deterministic one-token mutants of a reference solution (a swapped
  operator, a dropped ``not``, a changed constant or activation name, a dropped unary minus, a
  changed ``axis=``, a dropped ``.T``, one NumPy reduction or constructor for another, a
  dropped ``reversed()``, and the returned value, or each element of a returned tuple, scaled
  by 1.01), and :func:`run_check` runs the lesson's check on a version of the solution cell in
  a namespace built cheaply from the lesson's import and definition cells;
  :func:`define` gives the function a version of the solution cell defines there.
"""

import ast
import contextlib
import copy
import io
import re
import signal
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .assignments import BEGIN, END, nbgrader

MIN_LEAK = 6
SCALE = 1.01
ARITHMETIC = {ast.Add: (ast.Sub, ast.Mult), ast.Sub: (ast.Add,), ast.Mult: (ast.Div, ast.Add),
              ast.Div: (ast.Mult,), ast.MatMult: (ast.Mult,), ast.Pow: (ast.Mult,),
              ast.FloorDiv: (ast.Div, ast.Mult)}
COMPARISONS = {ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt, ast.GtE),
               ast.Gt: (ast.GtE, ast.Lt), ast.GtE: (ast.Gt, ast.LtE),
               ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,), ast.Is: (ast.IsNot,),
               ast.IsNot: (ast.Is,), ast.In: (ast.NotIn,), ast.NotIn: (ast.In,)}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@",
           ast.Pow: "**", ast.FloorDiv: "//", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
           ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not",
           ast.In: "in", ast.NotIn: "not in"}
# One activation's name for another: a string constant of the course's own vocabulary.
ACTIVATION_NAMES = {"relu": "tanh", "tanh": "sigmoid", "sigmoid": "softmax",
                    "softmax": "sigmoid"}
# One NumPy reduction or array constructor for its twin (``.sum`` -> ``.mean`` is a lost or
# extra 1/m, ``np.zeros`` -> ``np.ones`` a wrong start).
FUNCTIONS = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "maximum": "minimum",
             "minimum": "maximum", "zeros": "ones", "ones": "zeros"}
KINDS = ("operator", "constant", "minus", "axis", "transpose", "function", "scale")
RANDOM_ARGUMENTS = {"rng", "seed", "random_state"}


@dataclass
class Exercise:
    """One exercise: where it is, its reference solution cell and its check cell."""

    lesson: Path
    grade_id: str
    cell: int
    source: str
    check_source: str
    function: str = ""
    check: str = ""
    problems: list = field(default_factory=list)

    @property
    def blocks(self):
        """``[(begin, end), ...]``: the 1-based line numbers of each pair of markers, in
        order. Raises ``ValueError`` for a cell without markers or with unbalanced ones."""
        found, begin = [], None
        for number, line in enumerate(self.source.splitlines(), 1):
            if BEGIN.match(line) and begin is None:
                begin = number
            elif END.match(line) and begin is not None:
                found.append((begin, number))
                begin = None
            elif BEGIN.match(line) or END.match(line):
                raise ValueError(f"unbalanced solution markers at line {number}")
        if begin is not None or not found:
            raise ValueError("no ### BEGIN SOLUTION ... ### END SOLUTION block")
        return found

    def inside(self, line):
        """True if the 1-based ``line`` lies strictly between a pair of markers."""
        return any(begin < line < end for begin, end in self.blocks)

    @property
    def random(self):
        """True when the exercise's function draws random numbers (it takes an ``rng`` or a
        ``seed``): its check is statistical, and a result scaled by 1% is not a mutant."""
        for node in ast.walk(ast.parse(self.source)):
            if isinstance(node, ast.FunctionDef) and node.name == self.function:
                names = {a.arg for a in node.args.args + node.args.kwonlyargs}
                return bool(names & RANDOM_ARGUMENTS)
        return False


def read(path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def check_call(check_source):
    """``(check_name, function_name)`` from a check cell's ``check_name(function_name, ...)``."""
    for node in ast.walk(ast.parse(check_source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id.startswith("check_") and node.args
                and isinstance(node.args[0], ast.Name)):
            return node.func.id, node.args[0].id
    return "", ""


def discover(paths):
    """Every exercise of the lessons at ``paths``, in order. An exercise whose cells cannot be
    read carries the reason in ``problems`` instead of raising."""
    found = []
    for path in paths:
        nb = read(path)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not nbgrader(cell).get("solution"):
                continue
            following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
            check_source = following.source if following is not None else ""
            exercise = Exercise(Path(path), nbgrader(cell).get("grade_id", f"cell{index}"),
                                index, cell.source, check_source)
            try:
                exercise.blocks  # noqa: B018 (raises ValueError without markers)
                exercise.check, exercise.function = check_call(check_source)
            except (ValueError, SyntaxError) as error:
                exercise.problems.append(f"cannot read the exercise: {error!r}")
            if not exercise.check:
                exercise.problems.append("the next cell calls no check_name(function)")
            found.append(exercise)
    return found


# ----------------------------------------------------------------------------- solution text


def solution_lines(exercise):
    """The lines of code between the markers: not blank, not a comment."""
    lines = exercise.source.splitlines()
    return [x for number, x in enumerate(lines, 1) if exercise.inside(number)
            and x.strip() and not x.strip().startswith("#")]


def squeeze(text):
    """``text`` with every whitespace character removed."""
    return re.sub(r"\s+", "", text)


def _bare(node):
    """A name, a number, or a tuple or list of them: no computation to give away."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_bare(e) for e in node.elts)
    return isinstance(node, (ast.Name, ast.Constant))


def solution_expressions(exercise):
    """The right-hand side of each assignment and the expression of each ``return`` between
    the markers, whitespace removed, those of at least 6 characters, in order. A bare name
    or constant (``return parameters``, ``return Z, A``) computes nothing and is left out."""
    found = []
    for node in ast.walk(ast.parse(exercise.source)):
        if (isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return))
                and node.value is not None and not _bare(node.value)
                and exercise.inside(node.lineno)):
            text = squeeze(ast.get_source_segment(exercise.source, node.value) or "")
            if len(text) >= MIN_LEAK and text not in found:
                found.append(text)
    return found


def leaks(text, expressions):
    """The expressions (from :func:`solution_expressions`) that ``text`` contains, whitespace
    ignored."""
    flat = squeeze(text)
    return [e for e in expressions if e in flat]


# ----------------------------------------------------------------------------- mutants


@dataclass
class Mutant:
    """One one-token change of a solution: ``id`` is ``"<the line> :: <the change>"``."""

    id: str
    kind: str
    line: int
    source: str = ""
    tree: object = None


def _scaled_call(node):
    return ast.Call(ast.Name("__scaled__", ast.Load()), [node], [])


def _number_changes(value):
    """The changed values of a numeric or boolean constant."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1]
    return [value * 2, value / 2] if value else [1.0]


def _node_sites(node, axis_values):
    """``[(kind, change, description), ...]`` for one node; ``change(node)`` edits the node
    (of a copy of the tree) in place and returns the node that replaces it."""
    sites = []
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in ARITHMETIC:
        for new in ARITHMETIC[type(node.op)]:
            sites.append(("operator", lambda n, new=new: setattr(n, "op", new()) or n,
                          f"`{SYMBOLS[type(node.op)]}` -> `{SYMBOLS[new]}`"))
    elif isinstance(node, ast.Compare):
        for position, op in enumerate(node.ops):
            for new in COMPARISONS.get(type(op), ()):
                sites.append(("operator",
                              lambda n, p=position, new=new: n.ops.__setitem__(p, new()) or n,
                              f"`{SYMBOLS[type(op)]}` -> `{SYMBOLS[new]}`"))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sites.append(("minus", lambda n: setattr(n, "op", ast.UAdd()) or n,  # +x is x
                      "drop the unary `-`"))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        sites.append(("operator", lambda n: n.operand, "drop the `not`"))
    elif (isinstance(node, ast.Constant) and type(node.value) in (int, float, bool)
          and id(node) not in axis_values):
        for new in _number_changes(node.value):
            sites.append(("constant", lambda n, new=new: setattr(n, "value", new) or n,
                          f"{node.value!r} -> {new!r}"))
    elif isinstance(node, ast.Constant) and node.value in ACTIVATION_NAMES:
        new = ACTIVATION_NAMES[node.value]
        sites.append(("constant", lambda n, new=new: setattr(n, "value", new) or n,
                      f"{node.value!r} -> {new!r}"))
    elif isinstance(node, ast.keyword) and node.arg == "axis":
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, int):
            new = 1 if value.value == 0 else 0
        elif isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
            new = 0  # axis=-1
        else:
            new = None
        sites.append(("axis", lambda n, new=new: setattr(n, "value", ast.Constant(new)) or n,
                      f"axis={ast.unparse(value)} -> axis={new!r}"))
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        sites.append(("transpose", lambda n: n.value, "drop the `.T`"))
    elif isinstance(node, ast.Attribute) and node.attr in FUNCTIONS:
        new = FUNCTIONS[node.attr]
        sites.append(("function", lambda n, new=new: setattr(n, "attr", new) or n,
                      f".{node.attr} -> .{new}"))
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
          and node.func.id == "reversed" and len(node.args) == 1):
        sites.append(("function", lambda n: n.args[0], "drop the `reversed()`"))
    elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
        for i in range(len(node.value.elts)):
            def scale_one(n, i=i):
                n.value.elts[i] = _scaled_call(n.value.elts[i])
                return n
            sites.append(("scale", scale_one, f"element {i} of the returned tuple x {SCALE}"))
    elif isinstance(node, ast.Return) and node.value is not None:
        sites.append(("scale", lambda n: setattr(n, "value", _scaled_call(n.value)) or n,
                      f"return value x {SCALE}"))
    return sites


def _sites(exercise, tree):
    """``(walk index, kind, change, description, line)`` for every mutable token between the
    markers."""
    axis_values = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "axis":
            axis_values.update(id(n) for n in ast.walk(node.value))
    sites = []
    for index, node in enumerate(ast.walk(tree)):
        line = getattr(node, "lineno", None)
        if line is None or not exercise.inside(line):
            continue
        sites += [(index, kind, change, description, line)
                  for kind, change, description in _node_sites(node, axis_values)]
    return sites


def _substitute(tree, old, new):
    """Put ``new`` where ``old`` is in ``tree`` (in place)."""
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[[i for i, v in enumerate(value) if v is old][0]] = new
                return


def _apply(tree, index, change):
    mutated = copy.deepcopy(tree)
    node = list(ast.walk(mutated))[index]
    new = change(node)
    if new is not node:
        _substitute(mutated, node, new)
    return ast.fix_missing_locations(mutated)


def mutants(exercise, kinds=KINDS):
    """Every one-token mutant of the exercise's reference solution, in a fixed order. Only
    the code between the markers is mutated; mutants identical to another are dropped."""
    tree = ast.parse(exercise.source)
    lines = exercise.source.splitlines()
    found, seen, counts = [], {ast.dump(tree)}, {}
    for index, kind, change, description, line in _sites(exercise, tree):
        if kind not in kinds:
            continue
        mutated = _apply(tree, index, change)
        dump = ast.dump(mutated)
        if dump in seen:
            continue
        seen.add(dump)
        key = f"{lines[line - 1].strip()} :: {description}"
        counts[key] = counts.get(key, 0) + 1
        name = key if counts[key] == 1 else f"{key} #{counts[key]}"
        found.append(Mutant(name, kind, line, ast.unparse(mutated), mutated))
    return found


def scaled(value):
    """``value`` times 1.01: numbers and arrays; tuples, lists and dicts element by element;
    any other object that can be multiplied by a number (e.g. a ``Value`` of lesson 05) by
    its own ``*``; anything else (a string, None, True) unchanged."""
    import numpy as np

    if isinstance(value, dict):
        return {k: scaled(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(scaled(v) for v in value)
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        return value
    if isinstance(value, (int, float, np.number)):
        return value * SCALE
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            return value
        return (value * SCALE).astype(np.result_type(value.dtype, np.float32))
    try:
        return value * SCALE
    except TypeError:
        return value


SETUP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)


def _constant(statement):
    """An assignment to UPPER_CASE names only: a constant of the lesson, by convention."""
    return isinstance(statement, ast.Assign) and all(
        isinstance(t, ast.Name) and t.id.isupper() for t in statement.targets)


def setup_statements(cell):
    """The imports, the function and class definitions and the UPPER_CASE constants at the
    top level of a code cell (a cell that does not parse, e.g. an IPython magic, gives none)."""
    if cell.cell_type != "code":
        return []
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:
        return []
    return [s for s in body if isinstance(s, SETUP) or _constant(s)]


def namespace(exercise):
    """The globals a solution needs, built cheaply: the imports, the function and class
    definitions and the UPPER_CASE constants of the lesson's cells before the exercise, run
    in order (their output is
    discarded; a definition that needs the lesson's variables is skipped). Nothing else of
    the lesson runs, so a solution that uses a variable of the lesson fails here with a
    NameError: exercises are functions of their arguments, numpy and nnlib."""
    nb = read(exercise.lesson)
    names = {"__name__": "__lesson__", "__scaled__": scaled}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in nb.cells[:exercise.cell]:
            for statement in setup_statements(cell):
                module = ast.Module([statement], [])
                try:
                    exec(compile(module, f"<{exercise.lesson.name} setup>", "exec"), names)
                except Exception:  # noqa: BLE001 (e.g. a default argument from the lesson)
                    continue  # a solution that needs it fails its reference run, reported
    return names


class CheckTimeout(BaseException):
    """A mutant ran longer than its time limit (a BaseException, so that no check's
    ``except Exception`` can swallow it)."""


@contextlib.contextmanager
def time_limit(seconds):
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise CheckTimeout(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    """What a check did: ``"passed"``, ``"failed"`` (it raised its CheckFailed),
    ``"crashed"`` (another exception, from the check or before it), or ``"timeout"``."""

    status: str
    message: str
    seconds: float


def run_check(exercise, base, code=None, seconds=60):
    """Run the solution cell (``code``: a compiled mutant, default the reference) and then the
    exercise's check on its function, in a copy of ``base`` (from :func:`namespace`)."""
    from .checks.core import CheckFailed

    names = dict(base)
    start = time.perf_counter()
    output = io.StringIO()
    try:
        with (contextlib.redirect_stdout(output), warnings.catch_warnings(record=True),
              time_limit(seconds)):
            warnings.simplefilter("always")  # as in a notebook: a warning is not an error
            if code is None:
                code = compile(exercise.source, f"<{exercise.grade_id}>", "exec")
            exec(code, names)
            for statement in ast.parse(exercise.check_source).body:
                call = statement.value if isinstance(statement, ast.Expr) else None
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                        and call.func.id == exercise.check):
                    exec(compile(ast.Module([statement], []), "<check cell>", "exec"), names)
            names[exercise.check](names[exercise.function])
    except CheckFailed as failure:
        return Outcome("failed", str(failure), time.perf_counter() - start)
    except CheckTimeout as timeout:
        return Outcome("timeout", str(timeout), time.perf_counter() - start)
    except Exception as error:  # noqa: BLE001 (reported, not hidden)
        return Outcome("crashed", f"{type(error).__name__}: {error}",
                       time.perf_counter() - start)
    return Outcome("passed", output.getvalue().strip(), time.perf_counter() - start)


def compile_mutant(exercise, mutant):
    return compile(mutant.tree, f"<{exercise.grade_id} mutant>", "exec")


def define(exercise, base, source=None):
    """The function (or class) that the solution cell, or ``source`` (a changed version of
    it), defines when run in a copy of ``base`` (from :func:`namespace`)."""
    names = dict(base)
    code = exercise.source if source is None else source
    exec(compile(code, f"<{exercise.grade_id}>", "exec"), names)  # noqa: S102 (the lesson's)
    return names[exercise.function]
