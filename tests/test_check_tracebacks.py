"""A failed check, as a learner sees it in Jupyter: the message and the learner's own lines,
never the code of the checks (which is not theirs to fix and would show the reference).

The cells run in a real kernel; what is examined is the error output the kernel sends.
"""

import re
import traceback

import nbformat
import pytest
from nbclient import NotebookClient

from nnlib.checks.core import Case, CheckFailed, run_check

SETUP = """\
import numpy as np
from nnlib.checks.lesson02 import check_relu_derivative
from nnlib.checks.lesson03 import check_count_parameters, check_forward_propagation
from nnlib.checks.lesson05 import check_value"""

# Each failing cell, with a line of the learner's that the traceback must show (or None).
FAILING = {
    "not implemented": ("""\
def count_parameters(layer_sizes):
    raise NotImplementedError("write this")
check_count_parameters(count_parameters)""", None),
    "wrong answer": ("""\
def count_parameters(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
check_count_parameters(count_parameters)""", None),
    "the learner's function raised": ("""\
def first_size(layer_sizes):
    return layer_sizes[10]
def count_parameters(layer_sizes):
    return first_size(layer_sizes)
check_count_parameters(count_parameters)""", "return layer_sizes[10]"),
    "the learner's function warned": ("""\
def relu_derivative(z):
    return (np.exp(1000 * z) > 1).astype(z.dtype)
check_relu_derivative(relu_derivative)""", "return (np.exp(1000 * z) > 1).astype(z.dtype)"),
    "a wrong property": ("""\
def forward_propagation(X, parameters, hidden_activation="relu", output_activation=None):
    return X @ parameters["W1"]
check_forward_propagation(forward_propagation)""", None),
    "a class whose method raised": ("""\
class Value:
    def __init__(self, data, children=(), op="", label=""):
        self.data, self.grad, self.children = float(data), 0.0, tuple(children)
    def __mul__(self, other):
        return self.missing
    __add__ = __mul__
check_value(Value)""", "return self.missing"),
}

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SHOWN_LINE = re.compile(r"^(-*>|\s)\s*\d+ (.*)$")  # IPython's numbered lines; ---> marks a call


@pytest.fixture(scope="module")
def errors():
    """The error output of every failing cell, run in one kernel, by name."""
    cells = [SETUP] + [source for source, _ in FAILING.values()]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    assert not [o for o in nb.cells[0].outputs if o.output_type == "error"]
    found = {}
    for name, cell in zip(FAILING, nb.cells[1:]):
        outputs = [o for o in cell.outputs if o.output_type == "error"]
        assert len(outputs) == 1, f"{name}: expected one error, got {cell.outputs}"
        found[name] = outputs[0]
    return found


@pytest.mark.parametrize("name", FAILING)
def test_a_failed_check_shows_the_message_and_only_the_learners_lines(errors, name):
    source, raising_line = FAILING[name]
    error = errors[name]
    assert error.ename == "CheckFailed"  # nbgrader counts it as a failed test
    assert error.evalue.startswith("✘ ")
    text = ANSI.sub("", "\n".join(error.traceback))
    assert f"CheckFailed: {error.evalue}" in text, text
    assert "nnlib/checks" not in text and "File " not in text, text
    shown = [m.groups() for line in text.splitlines() if (m := SHOWN_LINE.match(line))]
    learners = {line.rstrip() for line in source.splitlines()}
    assert shown, text
    strangers = {code.rstrip() for _, code in shown} - learners
    assert not strangers, f"lines the learner did not write: {strangers}\n{text}"
    current = [code.strip() for arrow, code in shown if arrow.endswith(">")]
    assert current[0] == source.splitlines()[-1], text  # the call of the check
    if raising_line:
        assert current[-1] == raising_line, text  # where the learner's function raised
    else:
        assert len(current) == 1, text


def test_outside_ipython_the_traceback_leaves_out_the_checks_too():
    def wrong(x):
        return x + 1

    with pytest.raises(CheckFailed) as caught:
        run_check("double", wrong, [Case("x = 2", (2.0,), 4.0)], hint="twice x")
    text = "".join(caught.value._render_traceback_())
    assert "run_check(" in text and "CheckFailed: ✘ double: on x = 2" in text, text
    assert "nnlib/checks" not in text, text
    # Python's own traceback (what pytest shows) still has the check's frames.
    assert "nnlib/checks/core.py" in "".join(traceback.format_exception(caught.value))
