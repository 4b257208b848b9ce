"""Lesson 11 checks: pass the reference solutions, fail every one-token mutant of them and the
typical mistakes, with hidden cases, warnings as failures, and hints that do not leak."""

import numpy as np
import pytest
from one_token_mutants import compile_function, mutants, surviving_mutants

from nnlib.checks import lesson11
from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import hints_for
from nnlib.checks.lesson11 import HINTS, check_bptt, check_rnn_step_backward, check_rnn_step_forward

STEP_FORWARD = '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh + b)
'''

STEP_BACKWARD = '''
def rnn_step_backward(dh, x, h_prev, Wx, Wh, b):
    h = np.tanh(x @ Wx + h_prev @ Wh + b)
    dz = dh * (1 - h ** 2)
    dx = dz @ Wx.T
    dh_prev = dz @ Wh.T
    dWx = x.T @ dz
    dWh = h_prev.T @ dz
    db = dz.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db
'''

BPTT = '''
def bptt(dH, X, h0, Wx, Wh, b):
    T = X.shape[1]
    states = [h0]
    for t in range(T):
        states.append(rnn_step_forward(X[:, t], states[-1], Wx, Wh, b))
    dX = np.zeros_like(X)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        dx, dh_next, dWx_t, dWh_t, db_t = rnn_step_backward(
            dH[:, t] + dh_next, X[:, t], states[t], Wx, Wh, b)
        dX[:, t] = dx
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dX, dh_next, dWx, dWh, db
'''

NAMESPACE = {"np": np, "rnn_step_forward": lesson11.rnn_step_forward,
             "rnn_step_backward": lesson11.rnn_step_backward}

EXERCISES = {
    "rnn_step_forward": (STEP_FORWARD, check_rnn_step_forward, lesson11.step_forward_cases),
    "rnn_step_backward": (STEP_BACKWARD, check_rnn_step_backward,
                          lesson11.step_backward_cases),
    "bptt": (BPTT, check_bptt, lesson11.bptt_cases),
}

# Mutants that compute the same result on every valid input, with the reason: none here.
EQUIVALENT = set()


def reference(name):
    return compile_function(EXERCISES[name][0], name, NAMESPACE)


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
def test_every_one_token_mutant_fails_the_check(name):
    source, check, _ = EXERCISES[name]
    survivors = [d for d in surviving_mutants(source, name, check, NAMESPACE)
                 if (name, d) not in EQUIVALENT]
    assert survivors == [], f"mutants of {name} that pass its check: {survivors}"


def test_the_mutants_include_each_kind_for_these_solutions():
    kinds = " ".join(d for d, _ in mutants(STEP_BACKWARD + BPTT))
    for expected in ("+ -> -", "@ -> *", "* -> /", "2 -> 3", "1 -> 2", "0 -> 1",
                     "unary minus dropped", "+= -> -=", "scaled by 1.01"):
        assert expected in kinds, expected


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
    with pytest.raises(CheckFailed, match="random step"):
        check_rnn_step_forward(lambda x, h_prev, Wx, Wh, b: np.tanh(x @ Wx + b))


def test_step_forward_check_fails_the_sigmoid_instead_of_tanh():
    def sigmoid_step(x, h_prev, Wx, Wh, b):
        return 1 / (1 + np.exp(-(x @ Wx + h_prev @ Wh + b)))

    with pytest.raises(CheckFailed):
        check_rnn_step_forward(sigmoid_step)


def test_step_forward_check_reports_an_overflow_warning_as_a_failure():
    def by_hand(x, h_prev, Wx, Wh, b):
        z = x @ Wx + h_prev @ Wh + b
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))

    with pytest.raises(CheckFailed, match="large weights.*RuntimeWarning"):
        check_rnn_step_forward(by_hand)


def test_step_backward_check_fails_the_derivative_written_with_z_instead_of_h():
    source = STEP_BACKWARD.replace("dz = dh * (1 - h ** 2)", "dz = dh * (1 - h)")
    with pytest.raises(CheckFailed, match="value 0"):
        check_rnn_step_backward(compile_function(source, "rnn_step_backward", NAMESPACE))


def test_step_backward_check_fails_a_transposed_weight_gradient_with_a_shape_message():
    source = STEP_BACKWARD.replace("dWx = x.T @ dz", "dWx = (x.T @ dz).T")
    with pytest.raises(CheckFailed, match=r"value 2: expected shape \(3, 5\), got shape \(5, 3\)"):
        check_rnn_step_backward(compile_function(source, "rnn_step_backward", NAMESPACE))


def test_bptt_check_fails_a_backward_pass_that_forgets_the_gradient_from_later_steps():
    source = BPTT.replace("dH[:, t] + dh_next", "dH[:, t]")
    with pytest.raises(CheckFailed, match="a gradient on every state, value 0"):
        check_bptt(compile_function(source, "bptt", NAMESPACE))


def test_bptt_check_fails_the_wrong_previous_state():
    source = BPTT.replace("states[t], Wx", "states[t + 1], Wx")
    with pytest.raises(CheckFailed):
        check_bptt(compile_function(source, "bptt", NAMESPACE))


def test_bptt_check_fails_gradients_kept_from_the_last_step_only():
    source = BPTT.replace("dWx += dWx_t", "dWx = dWx_t")
    with pytest.raises(CheckFailed, match="value 2"):
        check_bptt(compile_function(source, "bptt", NAMESPACE))


def test_checks_report_an_unfinished_exercise_with_its_first_hint():
    def stub(*args):
        raise NotImplementedError("not yet")

    with pytest.raises(CheckFailed, match="not implemented yet.*Hint: First run the forward"):
        check_bptt(stub)


def test_every_exercise_has_two_or_three_hints_that_do_not_contain_the_solution():
    sources = {"lesson11-rnn-step-forward": STEP_FORWARD,
               "lesson11-rnn-step-backward": STEP_BACKWARD,
               "lesson11-bptt": BPTT}
    assert set(sources) == set(HINTS)
    for exercise, source in sources.items():
        hints = hints_for(exercise)
        assert 2 <= len(hints) <= 3
        text = "".join("".join(hints).split())
        for line in source.strip().splitlines()[1:]:
            expression = line.split("=", 1)[1] if " = " in line else line.replace("return", "")
            expression = "".join(expression.split())
            assert len(expression) < 6 or expression not in text, (exercise, line)
