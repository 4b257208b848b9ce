"""Automatic checks for the lessons' "your turn" exercises, one module per lesson.

In a notebook: ``from nnlib.checks.lesson01 import check_weighted_sum`` then
``check_weighted_sum(weighted_sum)``. Each check prints a pass line or raises
:class:`~nnlib.checks.core.CheckFailed` with what went wrong and a hint;
``hint("lesson03-forward-propagation")`` gives an exercise's hints one at a time.
"""

from .core import Case, CheckFailed, run_check
from .fallback import yours_or_nnlib
from .hints import hint

__all__ = ["Case", "CheckFailed", "hint", "run_check", "yours_or_nnlib"]
