"""Automatic checks for the lessons' "your turn" exercises, one module per lesson.

In a notebook: ``from nnlib.checks.lesson01 import check_weighted_sum`` then
``check_weighted_sum(weighted_sum)``. Each check prints a pass line or raises
:class:`~nnlib.checks.core.CheckFailed` with what went wrong and a hint.
"""

from .core import Case, CheckFailed, run_check

__all__ = ["Case", "CheckFailed", "run_check"]
