"""Lesson 01 exercise checks: pass the lesson's solution with its hidden cases, and fail each
typical wrong answer with a message that says what to look at. (That every one-token mutant
of a solution fails its check, and that no text leaks a line of it, is tested for every
exercise in test_exercise_mutants.py and test_hints_do_not_leak.py.)"""

import warnings

import numpy as np
import pytest
from exercise_runs import solution

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson01 import check_neuron_output, check_weighted_sum

EXERCISES = {"lesson01-weighted-sum": check_weighted_sum,
             "lesson01-neuron-output": check_neuron_output}


def correct_neuron_output(X, w, b):
    return 1 / (1 + np.exp(-(X @ w + b)))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_reference_solution_passes_the_visible_and_hidden_cases(exercise, capsys):
    check = EXERCISES[exercise]
    function = solution(exercise)
    check(function)
    check(function, seed=1234)
    assert capsys.readouterr().out.count("passed") == 2


def test_hidden_cases_catch_an_answer_that_hard_codes_the_visible_ones(capsys):
    answers = {}

    def record(x, w, b):
        return answers.setdefault((x.tobytes(), w.tobytes(), b), float(x @ w + b))

    check_weighted_sum(record)
    frozen = dict(answers)
    check_weighted_sum(lambda x, w, b: frozen[(x.tobytes(), w.tobytes(), b)])
    with pytest.raises(CheckFailed, match="a hidden example"):
        check_weighted_sum(lambda x, w, b: frozen[(x.tobytes(), w.tobytes(), b)], seed=7)


def test_weighted_sum_check_passes_a_loop_written_by_hand(capsys):
    def loop(x, w, b):
        z = b
        for x_i, w_i in zip(x, w, strict=True):
            z += x_i * w_i
        return z

    check_weighted_sum(loop, seed=3)
    assert "passed" in capsys.readouterr().out


def test_weighted_sum_check_fails_when_the_bias_is_forgotten():
    with pytest.raises(CheckFailed, match=r"zero weights and bias 0.5.*expected 0.5, got 0"):
        check_weighted_sum(lambda x, w, b: x @ w)


def test_weighted_sum_check_fails_an_elementwise_product_with_the_wrong_shape():
    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(5,\)"):
        check_weighted_sum(lambda x, w, b: x * w + b)


def test_a_failure_shows_the_first_registered_hint():
    with pytest.raises(CheckFailed, match=r'Hint: Each input is multiplied.*hint\("lesson01-'):
        check_weighted_sum(lambda x, w, b: x @ w)


def test_weighted_sum_check_reports_an_exception_from_the_learner():
    def broken(x, w, b):
        return x @ w.reshape(1, -1) + b

    with pytest.raises(CheckFailed, match="your function raised ValueError"):
        check_weighted_sum(broken)


def test_neuron_output_check_fails_without_the_activation():
    with pytest.raises(CheckFailed, match=r"sigmoid\(0\) = 0.5.*expected 0.5, got 0"):
        check_neuron_output(lambda X, w, b: X @ w + b)


def test_neuron_output_check_fails_a_column_instead_of_a_vector():
    with pytest.raises(CheckFailed, match=r"expected shape \(6,\), got shape \(6, 1\)"):
        check_neuron_output(lambda X, w, b: correct_neuron_output(X, w, b).reshape(-1, 1))


def test_neuron_output_check_fails_a_function_that_handles_only_the_first_row():
    with pytest.raises(CheckFailed, match=r"expected shape \(6,\), got shape \(\)"):
        check_neuron_output(lambda X, w, b: correct_neuron_output(X[0], w, b))


def test_neuron_output_check_counts_a_warning_as_a_failure():
    def warns(X, w, b):
        return correct_neuron_output(X, w, b) + np.log(np.zeros(1))[0] * 0

    with pytest.raises(CheckFailed, match="RuntimeWarning: divide by zero"):
        check_neuron_output(warns)


def test_a_seed_that_is_not_an_int_is_refused():
    with pytest.raises(TypeError, match="seed must be None .* or an int, got str"):
        check_neuron_output(correct_neuron_output, seed="7")


def test_weighted_sum_check_counts_a_warning_as_a_failure():
    def warns(x, w, b):
        np.float32(1e30) ** 2  # an overflow that does not change the answer
        return x @ w + b

    with warnings.catch_warnings():  # warnings shown, as in a notebook, not raised
        warnings.simplefilter("default")
        with pytest.raises(CheckFailed, match="RuntimeWarning: overflow"):
            check_weighted_sum(warns)
