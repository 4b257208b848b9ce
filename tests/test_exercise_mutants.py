"""Checks strong enough to grade: every one-token mutant of every reference solution fails
its check.

The exercises are found in the lessons (every solution cell and the check cell after it), so
a new exercise is covered without touching this file. For each, the mutants of the code
between the solution markers, of every block of the cell (nnlib.exercises.mutants: a swapped
operator, a dropped ``not``, a changed number or activation name, a dropped unary minus, a
changed axis=, a dropped ``.T``, one NumPy reduction or constructor for its twin, a dropped
``reversed()``, the returned value or one element of a returned tuple scaled by 1.01) run
through the lesson's check with its visible cases (``seed=None``: what the learner sees must
already fail a wrong answer). A mutant must make the check raise its CheckFailed; one that
passes survives, one that crashes the check or hangs is reported too.

Exempt, each with its reason: equivalent mutants (the same output on every valid input),
listed in EQUIVALENT; the numeric constants of the training loop, which are its
hyperparameters (HYPERPARAMETERS); and, for an exercise with a random result (its function
takes an ``rng`` or a ``seed``; its check is statistical), only the 1% scaling.
"""

import re

import numpy as np
import pytest
from exercise_runs import EXERCISES, mutant_runs, reference, where

from nnlib import exercises

# (exercise id, mutant id) -> why the mutant gives the same output on every valid input.
# A mutant id is "<the line, stripped> :: <the change>" (whitespace is ignored when matching).
EQUIVALENT = {
    ("lesson02-stable-sigmoid",
     "return np.where(z >= 0, 1 / (1 + e), e / (1 + e)) :: `>=` -> `>`"):
        "at z = 0 both branches give 1 / 2, so which one is taken does not matter",
    ("lesson04-categorical-cross-entropy",
     "return float(-np.sum(Y * np.log(np.clip(A, eps, 1))) / m) :: 1 -> 2"):
        "probabilities are at most 1, so an upper clip at 1 or at 2 changes nothing",
    ("lesson05-value", 'out = Value(t, (self,), "tanh") :: \'tanh\' -> \'sigmoid\''):
        "op only names the node for the drawing of the graph: no value or gradient uses it",
    ("lesson07-normalize-images",
     "return images.reshape(len(images), -1).astype(np.float32) / 255 :: 1 -> 2"):
        "reshape(m, -2) is reshape(m, -1): NumPy takes any negative size as 'the rest'",
    ("lesson10-conv2d-single",
     "out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1)) :: .zeros -> .ones"):
        "the loops write every entry of out, so what it starts with is never read",
    ("lesson08-dropout-forward",
     "keep = rng.random(A.shape) >= rate :: `>=` -> `>`"):
        "rng.random draws from a continuous distribution: it equals rate with probability 0",
}

# Exercise ids (regular expressions) whose numeric constants are hyperparameters.
HYPERPARAMETERS = {
    r"^lesson07-.*(train|loop|sgd)": "the training loop's constants (epochs, batch size, "
                                     "learning rate, seeds, how often to report) are its "
                                     "hyperparameters: other values train as well",
}


def squeezed(text):
    return re.sub(r"\s+", "", text)


EQUIVALENT_KEYS = {(grade_id, squeezed(mutant)): reason
                   for (grade_id, mutant), reason in EQUIVALENT.items()}


def exemption(exercise, mutant):
    """Why ``mutant`` of ``exercise`` may pass its check, or None."""
    reason = EQUIVALENT_KEYS.get((exercise.grade_id, squeezed(mutant.id)))
    if reason:
        return reason
    if mutant.kind == "constant":
        for pattern, why in HYPERPARAMETERS.items():
            if re.search(pattern, exercise.grade_id):
                return why
    if mutant.kind == "scale" and exercise.random:
        return "a random result is checked statistically; the 1% rule does not apply"
    return None


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.grade_id for e in EXERCISES])
def test_every_mutant_of_the_reference_solution_fails_its_check(exercise):
    assert not exercise.problems, f"{where(exercise)}: {'; '.join(exercise.problems)}"
    ref = reference(exercise.grade_id)
    assert ref.status == "passed", (
        f"{where(exercise)}: the reference solution does not pass {exercise.check} when run "
        f"with only the lesson's imports and definitions ({ref.status}: {ref.message}). "
        f"An exercise must be a function of its arguments, numpy and nnlib.")
    runs = mutant_runs(exercise.grade_id)
    assert runs, f"{where(exercise)}: no mutant could be made of the solution"
    problems = []
    for mutant, outcome in runs:
        if outcome.status == "failed" or (outcome.status == "passed"
                                          and exemption(exercise, mutant)):
            continue
        what = {"passed": "passes the check", "crashed": "crashes the check instead of "
                "failing it with a message", "timeout": "makes the check hang"}[outcome.status]
        detail = "" if outcome.status == "passed" else f" ({outcome.message[:200]})"
        problems.append(f"  {what}: {mutant.id}{detail}")
    assert not problems, (
        f"{where(exercise)}: {len(problems)} of {len(runs)} mutants are not caught by "
        f"{exercise.check}:\n" + "\n".join(problems) +
        "\nMake the check fail them, or, for a mutant that gives the same output on every "
        "valid input, add it to EQUIVALENT in tests/test_exercise_mutants.py with the reason.")


def test_every_exemption_names_a_mutant_that_exists():
    """The lists stay honest: an exemption whose exercise or mutant is gone is removed."""
    made = {(e.grade_id, squeezed(m.id)) for e in EXERCISES if not e.problems
            for m in exercises.mutants(e)}
    stale = [f"{g}: {m}" for (g, m) in EQUIVALENT if (g, squeezed(m)) not in made]
    assert not stale, "EQUIVALENT lists mutants that no longer exist:\n" + "\n".join(stale)


# ----------------------------------------------------------------------------- the machinery


SOLUTION = '''def scaled_sum(x, w, rng=None):
    """sum over rows of -(x * w) / 2."""
    ### BEGIN SOLUTION
    total = -np.sum(x * w, axis=0) / 2
    if total.size > 0:
        return total
    ### END SOLUTION
'''


def toy(tmp_path, check_cell, solution=SOLUTION):
    """An exercise in a one-exercise notebook of our own."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    meta = {"nbgrader": {"solution": True, "grade_id": "lesson99-scaled-sum"}}
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nx_in_the_lesson = 3"),
                nbformat.v4.new_code_cell(solution, metadata=meta),
                nbformat.v4.new_code_cell(check_cell)]
    path = tmp_path / "99_toy.ipynb"
    nbformat.write(nb, path)
    [exercise] = exercises.discover([path])
    return exercise


STRONG = '''from nnlib.checks import Case, run_check
import numpy as np

def check_scaled_sum(fn):
    x = np.arange(6.0).reshape(3, 2) + 1
    w = np.array([[1.0, -2.0]] * 3)
    run_check("scaled_sum", fn, [Case("x", (x, w), -np.sum(x * w, axis=0) / 2)], hint="h")

check_scaled_sum(scaled_sum)
'''


def test_the_mutants_cover_each_kind_of_one_token_change(tmp_path):
    exercise = toy(tmp_path, STRONG)
    assert (exercise.function, exercise.check) == ("scaled_sum", "check_scaled_sum")
    assert exercise.random  # it takes an rng
    ids = [m.id for m in exercises.mutants(exercise)]
    line = "total = -np.sum(x * w, axis=0) / 2 :: "
    for change in ["`*` -> `/`", "`/` -> `*`", "drop the unary `-`", "axis=0 -> axis=1",
                   "2 -> 3"]:
        assert line + change in ids, ids
    assert "if total.size > 0: :: `>` -> `>=`" in ids
    assert "if total.size > 0: :: `>` -> `<`" in ids
    assert "if total.size > 0: :: 0 -> 1" in ids
    assert "return total :: return value x 1.01" in ids
    # Only the code between the markers: the docstring's and the lesson's code are untouched.
    assert all("x_in_the_lesson" not in m.source and '"""sum over' in m.source
               for m in exercises.mutants(exercise))
    assert ids == [m.id for m in exercises.mutants(exercise)]  # deterministic


SEVERAL_BLOCKS = '''class Layer:
    """Two methods, one solution block each."""

    def forward(self, A, W, hidden=None):
        ### BEGIN SOLUTION
        if hidden is not None and not self.done:
            self.name = "relu"
        return A @ W.T, np.sum(A, axis=0)
        ### END SOLUTION

    def backward(self, order):
        ### BEGIN SOLUTION
        for node in reversed(order):
            node.grad = np.zeros(3)
        ### END SOLUTION
'''


def test_the_mutants_cover_every_block_and_the_course_specific_changes(tmp_path):
    exercise = toy(tmp_path, "check_layer(Layer)\n", SEVERAL_BLOCKS)
    assert exercise.blocks == [(5, 9), (12, 15)]
    assert exercises.solution_lines(exercise) == [
        "        if hidden is not None and not self.done:", '            self.name = "relu"',
        "        return A @ W.T, np.sum(A, axis=0)", "        for node in reversed(order):",
        "            node.grad = np.zeros(3)"]
    ids = [m.id for m in exercises.mutants(exercise)]
    expected = [
        "if hidden is not None and not self.done: :: `is not` -> `is`",
        "if hidden is not None and not self.done: :: drop the `not`",
        "self.name = \"relu\" :: 'relu' -> 'tanh'",
        "return A @ W.T, np.sum(A, axis=0) :: drop the `.T`",
        "return A @ W.T, np.sum(A, axis=0) :: .sum -> .mean",
        "return A @ W.T, np.sum(A, axis=0) :: element 0 of the returned tuple x 1.01",
        "return A @ W.T, np.sum(A, axis=0) :: element 1 of the returned tuple x 1.01",
        "for node in reversed(order): :: drop the `reversed()`",
        "node.grad = np.zeros(3) :: .zeros -> .ones",
        "node.grad = np.zeros(3) :: 3 -> 4", "node.grad = np.zeros(3) :: 3 -> 2"]
    assert [i for i in expected if i not in ids] == [], ids
    for mutant in exercises.mutants(exercise):  # each is valid Python, the rest untouched
        assert "def backward(self, order):" in mutant.source
        compile(mutant.tree, "<mutant>", "exec")


def test_a_strong_check_kills_the_mutants_and_a_weak_one_lets_them_survive(tmp_path):
    strong = toy(tmp_path, STRONG)
    base = exercises.namespace(strong)
    assert exercises.run_check(strong, base).status == "passed"
    statuses = {m.id: exercises.run_check(strong, base, exercises.compile_mutant(strong, m)).status
                for m in exercises.mutants(strong)}
    survivors = [i for i, s in statuses.items() if s != "failed"]
    # Only the guard's mutants survive: they are equivalent on this check's inputs.
    assert survivors and all(i.startswith("if total.size") for i in survivors), survivors

    weak = toy(tmp_path, STRONG.replace("-np.sum(x * w, axis=0) / 2", "fn(x, w)"))
    base = exercises.namespace(weak)
    passed = {m.id for m in exercises.mutants(weak)
              if exercises.run_check(weak, base, exercises.compile_mutant(weak, m)).status
              == "passed"}
    # The check compares the function with itself: every mutant that returns a value passes.
    wrong_values = {m.id for m in exercises.mutants(weak) if not m.id.startswith("if ")}
    assert wrong_values and wrong_values <= passed, wrong_values - passed


def test_a_check_that_hangs_or_crashes_is_reported_as_such(tmp_path):
    hangs = toy(tmp_path, "def check_scaled_sum(fn):\n    while True:\n        pass\n\n"
                          "check_scaled_sum(scaled_sum)\n")
    outcome = exercises.run_check(hangs, exercises.namespace(hangs), seconds=0.5)
    assert outcome.status == "timeout" and outcome.seconds < 5
    crashes = toy(tmp_path, "def check_scaled_sum(fn):\n    return 1 / 0\n\n"
                            "check_scaled_sum(scaled_sum)\n")
    outcome = exercises.run_check(crashes, exercises.namespace(crashes))
    assert outcome.status == "crashed" and "ZeroDivisionError" in outcome.message


def test_a_solution_that_uses_a_variable_of_the_lesson_fails_its_reference_run(tmp_path):
    exercise = toy(tmp_path, STRONG, SOLUTION.replace("/ 2", "/ x_in_the_lesson"))
    outcome = exercises.run_check(exercise, exercises.namespace(exercise))
    assert outcome.status == "failed" and "NameError" in outcome.message


def test_scaling_a_result_scales_every_number_in_it():
    result = exercises.scaled({"W": np.ones(2, np.float32), "n": (3, 2.0), "ok": True})
    assert result["W"].dtype == np.float32 and np.allclose(result["W"], 1.01)
    assert result["n"] == (3 * 1.01, 2.0 * 1.01) and result["ok"] is True


def test_scaling_an_object_uses_its_own_multiplication_or_leaves_it():
    from nnlib.graph import Value

    assert exercises.scaled(Value(2.0)).data == pytest.approx(2.02)
    assert exercises.scaled("relu") == "relu" and exercises.scaled(None) is None
