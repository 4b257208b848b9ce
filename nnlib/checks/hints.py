"""Progressive hints for the exercises: the idea first, then the formula, never the code.

Every exercise has an id, the ``grade_id`` of its solution cell (e.g.
``"lesson03-forward-propagation"``). Its hints live beside its check, in the lesson's check
module, as ``HINTS = {"lesson03-forward-propagation": ("the idea ...", "the formula ...")}``.

In a notebook, ``hint("lesson03-forward-propagation")`` prints the next hint each time it is
called (the first, then the second, ...); ``hint("lesson03-forward-propagation", 2)`` prints
the second. The student version's stub and a failed check both show the first hint and say
how to ask for the next one.
"""

import importlib
import re

ID = re.compile(r"^lesson(\d\d)-[a-z0-9-]+$")
EXAMPLE = "lesson03-forward-propagation"  # an exercise that exists, named in messages
_next_level = {}


def hints_for(exercise_id):
    """The hints of an exercise, in order. Raises ``KeyError`` naming the known ids."""
    match = ID.match(str(exercise_id))
    module = None
    if match:
        try:
            module = importlib.import_module(f"nnlib.checks.lesson{match.group(1)}")
        except ModuleNotFoundError:
            module = None
    table = getattr(module, "HINTS", {})
    if exercise_id not in table:
        known = ", ".join(sorted(table)) or "none in that lesson"
        raise KeyError(f"no exercise {exercise_id!r}; expected an id such as "
                       f"'{EXAMPLE}' (this lesson has: {known}).")
    return tuple(table[exercise_id])


def first_hint(exercise_id):
    """The first hint and how to ask for more: what a stub and a failed check show."""
    hints = hints_for(exercise_id)
    more = f' More: hint("{exercise_id}").' if len(hints) > 1 else ""
    return hints[0] + more


def hint(exercise_id, level=None):
    """Print the next hint of an exercise (or hint number ``level``, counted from 1)."""
    hints = hints_for(exercise_id)
    if level is None:
        level = _next_level.get(exercise_id, 1)
    if not 1 <= int(level) <= len(hints):
        raise ValueError(f"{exercise_id} has hints 1 to {len(hints)}, got level {level!r}.")
    level = int(level)
    _next_level[exercise_id] = min(level + 1, len(hints))
    last = " (the last one)" if level == len(hints) else ""
    print(f"Hint {level} of {len(hints)}{last}: {hints[level - 1]}")
