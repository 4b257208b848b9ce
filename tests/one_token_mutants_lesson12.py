"""One-token mutants of a reference solution, for the check tests of lessons 10 to 12.

``mutants(source)`` yields ``(description, mutant_source)`` for every one-token change of the
kinds the exercise rules name: an operator swapped, a numeric constant changed, a unary minus
dropped, and each returned value scaled by 1%. A check strong enough to grade fails them all,
except the equivalent ones a test lists with its reason.
"""

import io
import tokenize

ARITHMETIC = ("+", "-", "*", "/")
SWAPS = {op: [o for o in ARITHMETIC if o != op] + ["@"] * (op == "*") for op in ARITHMETIC}
SWAPS.update({"@": ["*"], "**": ["*"], "<": [">", "<="], ">": ["<", ">="], "<=": ["<", ">="],
              ">=": [">", "<="], "//": ["/"], "+=": ["-="], "-=": ["+="]})
BEFORE_UNARY = {"(", "[", ",", "=", "return", "+", "-", "*", "/", "@", ":", "**"}


def _replace(source, token, text):
    """``source`` with ``token``'s text replaced by ``text`` (single-line tokens only)."""
    lines = source.splitlines(keepends=True)
    row, start = token.start
    _, end = token.end
    line = lines[row - 1]
    lines[row - 1] = line[:start] + text + line[end:]
    return "".join(lines)


def _constants(value):
    """Changed versions of a numeric literal."""
    number = float(value) if any(c in value for c in ".eE") else int(value)
    changed = {number + 1, number * 2 if number else 2, number - 1 if number else -1}
    changed.discard(number)
    return [repr(c) for c in sorted(changed)]


def _returns(source):
    """(row, start, end) of every top-level element of each ``return`` expression."""
    import ast

    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.value is not None:
            parts = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            found += [(part.lineno, part.col_offset, part.end_lineno, part.end_col_offset)
                      for part in parts]
    return found


def mutants(source):
    """Every one-token mutant of a function's ``source`` as ``(description, source)``."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    previous = None
    for token in tokens:
        where = f"line {token.start[0]}"
        if token.type == tokenize.OP and token.string in SWAPS:
            for other in SWAPS[token.string]:
                yield f"{where}: {token.string} -> {other}", _replace(source, token, other)
            if token.string == "-" and previous is not None and previous.string in BEFORE_UNARY:
                yield f"{where}: unary minus dropped", _replace(source, token, "")
        elif token.type == tokenize.NUMBER:
            for other in _constants(token.string):
                yield f"{where}: {token.string} -> {other}", _replace(source, token, other)
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT,
                              tokenize.INDENT, tokenize.DEDENT):
            previous = token
    lines = source.splitlines(keepends=True)
    for row, start, end_row, end in _returns(source):
        if row != end_row:
            continue
        line = lines[row - 1]
        mutated = line[:start] + "1.01 * (" + line[start:end] + ")" + line[end:]
        yield (f"line {row}: {line[start:end]} scaled by 1.01",
               "".join(lines[:row - 1] + [mutated] + lines[row:]))


def compile_function(source, name, namespace):
    """The function ``name`` defined by ``source`` in a copy of ``namespace``, or ``None`` if
    the mutant is not valid Python."""
    scope = dict(namespace)
    try:
        exec(compile(source, f"<mutant of {name}>", "exec"), scope)
    except SyntaxError:
        return None
    return scope[name]


def surviving_mutants(source, name, check, namespace, seed=None):
    """The descriptions of the mutants of ``source`` that ``check`` does not fail."""
    from nnlib.checks.core import CheckFailed

    survivors = []
    for description, mutant in mutants(source):
        function = compile_function(mutant, name, namespace)
        if function is None:
            continue
        try:
            if seed is None:
                check(function)
            else:
                check(function, seed=seed)
        except CheckFailed:
            continue
        survivors.append(description)
    return survivors
