"""Lesson 11 checks: pass the lesson's solutions and nnlib's fallbacks with their hidden cases
and fail the typical mistakes, with warnings as failures and the input's dtype kept. (Mutants
and leaks: see test_exercise_mutants.py and test_hints_do_not_leak.py.)"""

import numpy as np
import pytest
from exercise_runs import solution, solution_source

from nnlib.checks import lesson11
from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson11 import check_bptt, check_rnn_step_backward, check_rnn_step_forward

EXERCISES = {  # the function's name: (exercise id, check, visible cases)
    "rnn_step_forward": ("lesson11-rnn-step-forward", check_rnn_step_forward,
                         lesson11.step_forward_cases),
    "rnn_step_backward": ("lesson11-rnn-step-backward", check_rnn_step_backward,
                          lesson11.step_backward_cases),
    "bptt": ("lesson11-bptt", check_bptt, lesson11.bptt_cases),
}


def reference(name):
    return solution(EXERCISES[name][0])


def changed(name, old, new):
    """The lesson's solution of ``name`` with ``old`` replaced by ``new``."""
    source = solution_source(EXERCISES[name][0])
    assert old in source
    return solution(EXERCISES[name][0], source.replace(old, new))


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reference_solution_passes_visible_and_hidden_cases(name, capsys):
    check = EXERCISES[name][1]
    check(reference(name))
    check(reference(name), seed=12345)
    assert capsys.readouterr().out.count(f"✔ {name}: all") == 2


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_nnlibs_fallback_under_the_exercise_name_passes(name, capsys):
    EXERCISES[name][1](getattr(lesson11, name), seed=3)
    assert "✔" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hidden_cases_fail_an_answer_that_only_knows_the_visible_ones(name):
    _, check, cases_of = EXERCISES[name]
    table = [(case.args, case.expected) for case in cases_of()]

    def memorized(*args):
        for known, answer in table:
            if all(np.shape(a) == np.shape(b) and np.array_equal(a, b)
                   for a, b in zip(args, known)):
                return answer
        return table[0][1]

    check(memorized)  # the visible cases alone cannot tell
    with pytest.raises(CheckFailed, match="hidden case"):
        check(memorized, seed=7)


def test_hidden_cases_depend_on_the_seed():
    first = lesson11.bptt_cases(np.random.default_rng(1))[0].args[1]
    second = lesson11.bptt_cases(np.random.default_rng(2))[0].args[1]
    assert first.shape != second.shape or not np.array_equal(first, second)


def test_step_forward_check_fails_a_forgotten_previous_state():
    wrong = changed("rnn_step_forward", "x @ Wx + h_prev @ Wh + b", "x @ Wx + b")
    with pytest.raises(CheckFailed, match="random step"):
        check_rnn_step_forward(wrong)


def test_step_forward_check_fails_the_sigmoid_instead_of_tanh():
    def sigmoid_step(x, h_prev, Wx, Wh, b):
        return 1 / (1 + np.exp(-(x @ Wx + h_prev @ Wh + b)))

    with pytest.raises(CheckFailed):
        check_rnn_step_forward(sigmoid_step)


def test_step_forward_check_reports_an_overflow_warning_as_a_failure():
    def by_hand(x, h_prev, Wx, Wh, b):
        z = x @ Wx + h_prev @ Wh + b
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))

    with pytest.raises(CheckFailed, match="large weights.*RuntimeWarning.*np.tanh saturates"):
        check_rnn_step_forward(by_hand)


def test_step_forward_check_counts_an_overflow_even_when_numpy_is_told_to_ignore_it():
    def by_hand(x, h_prev, Wx, Wh, b):
        z = x @ Wx + h_prev @ Wh + b
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))

    state = np.geterr()
    with np.errstate(all="ignore"), pytest.raises(CheckFailed, match="RuntimeWarning"):
        check_rnn_step_forward(by_hand)
    assert np.geterr() == state


def test_step_backward_check_fails_the_derivative_written_with_z_instead_of_h():
    wrong = changed("rnn_step_backward", "dz = dh * (1 - h ** 2)", "dz = dh * (1 - h)")
    with pytest.raises(CheckFailed, match="value 0"):
        check_rnn_step_backward(wrong)


def test_step_backward_check_fails_a_transposed_weight_gradient_with_a_shape_message():
    wrong = changed("rnn_step_backward", "dWx = x.T @ dz", "dWx = (x.T @ dz).T")
    with pytest.raises(CheckFailed, match=r"value 2: expected shape \(3, 5\), got shape \(5, 3\)"):
        check_rnn_step_backward(wrong)


def test_step_backward_check_fails_a_float32_gradient_for_float64_inputs():
    wrong = changed("rnn_step_backward", "db = dz.sum(axis=0)",
                    "db = dz.sum(axis=0).astype(np.float32)")
    with pytest.raises(CheckFailed, match=r"value 4 of the result should keep the dtype of dh"):
        check_rnn_step_backward(wrong)


def test_bptt_check_fails_a_backward_pass_that_forgets_the_gradient_from_later_steps():
    wrong = changed("bptt", "dH[:, t] + dh_next", "dH[:, t]")
    with pytest.raises(CheckFailed, match="a gradient on every state, value 0"):
        check_bptt(wrong)


def test_bptt_check_fails_the_wrong_previous_state():
    wrong = changed("bptt", "states[t], Wx", "states[t + 1], Wx")
    with pytest.raises(CheckFailed, match="value 0"):
        check_bptt(wrong)


def test_bptt_check_fails_gradients_kept_from_the_last_step_only():
    wrong = changed("bptt", "dWx += dWx_t", "dWx = dWx_t")
    with pytest.raises(CheckFailed, match="value 2"):
        check_bptt(wrong)


def test_checks_report_an_unfinished_exercise_with_its_first_hint():
    def stub(*args):
        raise NotImplementedError("not yet")

    with pytest.raises(CheckFailed, match="not implemented yet.*Hint: First run the forward"):
        check_bptt(stub)
