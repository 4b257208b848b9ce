"""Lesson 11 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import numpy as np
import pytest
from exercise_runs import changed

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson11 import check_bptt, check_rnn_step_backward, check_rnn_step_forward


def test_step_forward_check_fails_a_forgotten_previous_state():
    wrong = changed("lesson11-rnn-step-forward", "x @ Wx + h_prev @ Wh + b", "x @ Wx + b")
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


def test_step_backward_check_fails_the_derivative_written_with_z_instead_of_h():
    wrong = changed("lesson11-rnn-step-backward", "dz = dh * (1 - h ** 2)", "dz = dh * (1 - h)")
    with pytest.raises(CheckFailed, match="value 0"):
        check_rnn_step_backward(wrong)


def test_step_backward_check_fails_a_transposed_weight_gradient_with_a_shape_message():
    wrong = changed("lesson11-rnn-step-backward", "dWx = x.T @ dz", "dWx = (x.T @ dz).T")
    with pytest.raises(CheckFailed, match=r"value 2: expected shape \(3, 5\), got shape \(5, 3\)"):
        check_rnn_step_backward(wrong)


def test_step_backward_check_fails_a_float32_gradient_for_float64_inputs():
    wrong = changed("lesson11-rnn-step-backward", "db = dz.sum(axis=0)",
                    "db = dz.sum(axis=0).astype(np.float32)")
    with pytest.raises(CheckFailed, match=r"value 4 of the result should keep the dtype of dh"):
        check_rnn_step_backward(wrong)


def test_bptt_check_fails_a_backward_pass_that_forgets_the_gradient_from_later_steps():
    wrong = changed("lesson11-bptt", "dH[:, t] + dh_next", "dH[:, t]")
    with pytest.raises(CheckFailed, match="a gradient on every state, value 0"):
        check_bptt(wrong)


def test_bptt_check_fails_the_wrong_previous_state():
    wrong = changed("lesson11-bptt", "states[t], Wx", "states[t + 1], Wx")
    with pytest.raises(CheckFailed, match="value 0"):
        check_bptt(wrong)


def test_bptt_check_fails_gradients_kept_from_the_last_step_only():
    wrong = changed("lesson11-bptt", "dWx += dWx_t", "dWx = dWx_t")
    with pytest.raises(CheckFailed, match="value 2"):
        check_bptt(wrong)
