"""One-token mutants of a lesson's reference solution, for the tests that show its check is
strong enough to grade.

The reference solution is read from the committed lesson (the solution cell with the given
nbgrader ``grade_id``), so the tests follow the lesson. Each mutant changes one token between
``### BEGIN SOLUTION`` and ``### END SOLUTION``: an operator swapped, a numeric constant changed,
a unary minus dropped, or the returned value scaled by 1.01.
"""

import ast
import io
import json
import textwrap
import tokenize
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

SWAPS = {"+": ("-", "*"), "-": ("+",), "*": ("/", "+"), "/": ("*",), "@": ("*",),
         "**": ("*",), "<": ("<=", ">"), ">": (">=", "<"), "<=": ("<", ">="),
         ">=": (">", "<="), "==": ("!=",), "!=": ("==",)}
UNARY_BEFORE = {"(", "[", ",", "=", "return", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*",
                "/", "@", "**", ":"}


def solution_cell(notebook, grade_id):
    """The source of the solution cell ``grade_id`` of ``notebooks/<notebook>``."""
    nb = json.loads((NOTEBOOKS / notebook).read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(cell["source"])
    raise KeyError(f"no cell {grade_id!r} in {notebook}")


def solution_rows(source):
    """The 1-based line numbers strictly between the solution markers."""
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if "### BEGIN SOLUTION" in line)
    end = next(i for i, line in enumerate(lines) if "### END SOLUTION" in line)
    return range(begin + 2, end + 1)


def replace(lines, start, end, text):
    """``lines`` with the span from ``start`` to ``end`` (tokenize positions) replaced."""
    (row, col), (_, end_col) = start, end
    new = list(lines)
    new[row - 1] = new[row - 1][:col] + text + new[row - 1][end_col:]
    return new


def mutants(source):
    """``[(description, mutated source), ...]``: every one-token mutant of the solution."""
    lines = source.splitlines()
    rows = solution_rows(source)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT,
                                tokenize.INDENT, tokenize.DEDENT)]
    found = []
    for index, token in enumerate(tokens):
        if token.start[0] not in rows:
            continue
        line = lines[token.start[0] - 1].strip()
        previous = tokens[index - 1].string if index else ""
        if token.type == tokenize.OP and token.string == "-" and previous in UNARY_BEFORE:
            found.append((f"drop the minus in: {line}",
                          replace(lines, token.start, token.end, "")))
        elif token.type == tokenize.OP:
            for other in SWAPS.get(token.string, ()):
                found.append((f"{token.string} -> {other} in: {line}",
                              replace(lines, token.start, token.end, other)))
        elif token.type == tokenize.NUMBER:
            value = ast.literal_eval(token.string)
            for new in sorted({value + 1, value - 1, value * 2 if value else -1}):
                found.append((f"{token.string} -> {new!r} in: {line}",
                              replace(lines, token.start, token.end, repr(new))))
    for start, end, value in returned_values(lines, rows):
        (row, col), (end_row, end_col) = start, end
        new = list(lines)
        new[end_row - 1] = new[end_row - 1][:end_col] + ")" + new[end_row - 1][end_col:]
        new[row - 1] = new[row - 1][:col] + "1.01 * (" + new[row - 1][col:]
        found.append((f"scale by 1.01: return {value}", new))
    return [(description, "\n".join(new) + "\n") for description, new in found]


def returned_values(lines, rows):
    """``[((row, col), (end_row, end_col), text), ...]`` for each returned value in ``rows``
    that is not a tuple (positions in ``lines``, 1-based rows)."""
    first = rows[0]
    indent = min(len(lines[r - 1]) - len(lines[r - 1].lstrip())
                 for r in rows if lines[r - 1].strip())
    body = "\n".join(lines[r - 1][indent:] for r in rows)
    found = []
    for node in ast.walk(ast.parse(body)):
        if isinstance(node, ast.Return) and node.value is not None and not isinstance(
                node.value, ast.Tuple):
            value = node.value
            found.append(((value.lineno + first - 1, value.col_offset + indent),
                          (value.end_lineno + first - 1, value.end_col_offset + indent),
                          " ".join(ast.get_source_segment(body, value).split())))
    return found


def define(source, name, namespace):
    """Run a solution cell's ``source`` in a copy of ``namespace``; return function ``name``."""
    scope = dict(namespace)
    exec(compile(source, f"<{name}>", "exec"), scope)  # noqa: S102 - the lesson's own code
    return scope[name]


def solution_expressions(source):
    """The right-hand sides and returned expressions of the solution, whitespace removed,
    of 6 characters or more: what no text a learner sees before solving may contain."""
    lines = source.splitlines()
    body = textwrap.dedent("\n".join(lines[row - 1] for row in solution_rows(source)))
    found = set()
    for node in ast.walk(ast.parse(body)):
        value = getattr(node, "value", None)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)) and value:
            text = "".join(ast.get_source_segment(body, value).split())
            if len(text) >= 6:
                found.add(text)
    return found


def learner_texts(notebook, exercise_id):
    """Every text a learner sees before solving: the lesson's markdown, the exercise's hints
    and the stub's message (its first hint)."""
    from nnlib.checks.hints import first_hint, hints_for

    nb = json.loads((NOTEBOOKS / notebook).read_text())
    markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return [*markdown, *hints_for(exercise_id), first_hint(exercise_id)]


def leaks(notebook, exercise_id):
    """The solution expressions that appear, whitespace ignored, in a text the learner sees."""
    expressions = solution_expressions(solution_cell(notebook, exercise_id))
    texts = ["".join(text.split()) for text in learner_texts(notebook, exercise_id)]
    return sorted(e for e in expressions if any(e in text for text in texts))
