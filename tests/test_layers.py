"""The layers of the library point down only: the core imports nothing from above it.

The core holds the lessons' functions: activations, costs, initialization, forward, graph,
backprop, gradient_check, neuron, regularization and the layer pairs conv, rnn,
normalization and residual. It may import NumPy, the standard library, other core
modules and ``_validation``; never data, the models, training, saving, threads, tqdm,
threadpoolctl, matplotlib or ipywidgets. The imports are read from the source with ``ast``,
including those inside functions.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nnlib"
CORE = {"activations", "costs", "initialization", "forward", "graph", "backprop",
        "gradient_check", "neuron", "regularization", "conv", "rnn", "normalization", "residual"}
ALLOWED_INSIDE = CORE | {"_validation"}
ALLOWED_OUTSIDE = {"numpy"} | set(sys.stdlib_module_names)


def imported_modules(source):
    """Every module an ``import`` in ``source`` names: ``nnlib.x`` for the package's own
    modules (relative imports resolved from a module directly in ``nnlib/``), else the
    top-level name (``numpy``, ``tqdm``...)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] if not alias.name.startswith("nnlib.")
                      else ".".join(alias.name.split(".")[:2]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "nnlib" and len(parts) == 1:
                    found |= {f"nnlib.{alias.name}" for alias in node.names}
                else:
                    found.add(".".join(parts[:2]) if parts[0] == "nnlib" else parts[0])
            elif node.module:  # from .x import y, from .x.y import z
                found.add("nnlib." + node.module.split(".")[0])
            else:  # from . import x, y
                found |= {f"nnlib.{alias.name}" for alias in node.names}
    return found


def forbidden_imports(source):
    """The imports of ``source`` a core module may not have, sorted."""
    return sorted(name for name in imported_modules(source)
                  if not (name.removeprefix("nnlib.") in ALLOWED_INSIDE
                          if name.startswith("nnlib.") else name in ALLOWED_OUTSIDE))


@pytest.mark.parametrize("module", sorted(CORE))
def test_the_core_imports_nothing_from_above_it(module):
    source = (PACKAGE / f"{module}.py").read_text()
    assert forbidden_imports(source) == [], f"nnlib.{module} imports from above the core"


@pytest.mark.parametrize("line, expected", [
    ("from .data import one_hot", ["nnlib.data"]),
    ("from .model import Model, check_loss", ["nnlib.model"]),
    ("from . import training", ["nnlib.training"]),
    ("from .persistence import save", ["nnlib.persistence"]),
    ("from .convnet import ConvNet", ["nnlib.convnet"]),
    ("from nnlib.rnn_classifier import RNNClassifier", ["nnlib.rnn_classifier"]),
    ("import nnlib.threads", ["nnlib.threads"]),
    ("from tqdm.auto import tqdm", ["tqdm"]),
    ("def f():\n    from threadpoolctl import threadpool_limits", ["threadpoolctl"]),
    ("import matplotlib.pyplot as plt", ["matplotlib"]),
    ("import ipywidgets", ["ipywidgets"]),
    ("import numpy as np\nimport math\nfrom .activations import relu\n"
     "from ._validation import check_finite", []),
])
def test_the_layering_check_finds_every_kind_of_forbidden_import(line, expected):
    assert forbidden_imports(line) == expected


def test_every_core_module_exists():
    assert {path.stem for path in PACKAGE.glob("*.py")} >= CORE
