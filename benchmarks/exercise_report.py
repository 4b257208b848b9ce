"""How much code the learner writes, and whether the hints give it away.

For every lesson (default: every ``notebooks/NN_*.ipynb``; or the lessons given), and in
total: the number of exercises; the lines of solution code (non-blank, non-comment lines
between ``### BEGIN SOLUTION`` and ``### END SOLUTION``); the exercises with at least two
registered hints; and the exercises whose hint contains a line of the solution word for word
(the right-hand side of an assignment or a returned expression, whitespace ignored, 6
characters or more: the rule of ``nnlib.exercises``). "Hint" means every registered hint of
the exercise and the message of its student stub (its first hint, or its old ``# Hint:``
line). Prints a Markdown table; the exercises that leak are listed under it.

Usage: python benchmarks/exercise_report.py [notebooks/05_backpropagation.ipynb ...]
"""

import sys
from pathlib import Path

from nnlib import exercises
from nnlib.assignments import stub_solution
from nnlib.checks.hints import hints_for

ROOT = Path(__file__).resolve().parents[1]


def hint_texts(exercise):
    """Every hint the learner can read: the registered ones and the stub's message."""
    try:
        texts = list(hints_for(exercise.grade_id))
    except KeyError:
        texts = []
    stub = stub_solution(exercise.source, exercise.grade_id, exercise.grade_id)
    texts += [line for line in stub.splitlines() if "raise NotImplementedError(" in line]
    return texts


def registered_hints(exercise):
    try:
        return len(hints_for(exercise.grade_id))
    except KeyError:
        return 0


def measure(exercise):
    expressions = exercises.solution_expressions(exercise)
    leaked = sorted({e for text in hint_texts(exercise)
                     for e in exercises.leaks(text, expressions)})
    return {"lines": len(exercises.solution_lines(exercise)),
            "hinted": registered_hints(exercise) >= 2, "leaked": leaked}


def report(paths):
    rows, leaks = [], []
    totals = {"exercises": 0, "lines": 0, "hinted": 0, "leaking": 0}
    for path in paths:
        found = exercises.discover([path])
        measured = [(e, measure(e)) for e in found]
        row = {"exercises": len(found), "lines": sum(m["lines"] for _, m in measured),
               "hinted": sum(m["hinted"] for _, m in measured),
               "leaking": sum(bool(m["leaked"]) for _, m in measured)}
        rows.append((Path(path).stem, row))
        for key in totals:
            totals[key] += row[key]
        leaks += [(e.grade_id, m["leaked"]) for e, m in measured if m["leaked"]]
    lines = ["| lesson | exercises | lines of solution code | with ≥ 2 registered hints | "
             "hint holds a line of the solution |",
             "|---|---:|---:|---:|---:|"]
    for name, row in rows + [("**total**", totals)]:
        lines.append(f"| {name} | {row['exercises']} | {row['lines']} | {row['hinted']} | "
                     f"{row['leaking']} |")
    if leaks:
        lines += ["", "Hints that hold a line of the solution:"]
        lines += [f"- `{grade_id}`: " + ", ".join(f"`{e}`" for e in found)
                  for grade_id, found in leaks]
    return "\n".join(lines)


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(p) for p in args] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    print(report(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
