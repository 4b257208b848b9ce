"""Lesson 10 checks: pass the lesson's solutions and nnlib's fallbacks with their hidden cases
and fail the typical mistakes, with warnings as failures and the input's dtype kept. (Mutants
and leaks: see test_exercise_mutants.py and test_hints_do_not_leak.py.)"""

import numpy as np
import pytest
from exercise_runs import solution, solution_source

from nnlib.checks import lesson10
from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson10 import (
    check_conv2d_backward,
    check_conv2d_single,
    check_maxpool2x2,
    check_maxpool2x2_backward,
)

EXERCISES = {  # the function's name: (exercise id, check, visible cases)
    "conv2d_single": ("lesson10-conv2d-single", check_conv2d_single, lesson10.conv_cases),
    "conv2d_backward_single": ("lesson10-conv2d-backward", check_conv2d_backward,
                               lesson10.conv_backward_cases),
    "maxpool2x2": ("lesson10-maxpool2x2", check_maxpool2x2, lesson10.pool_cases),
    "maxpool2x2_backward": ("lesson10-maxpool2x2-backward", check_maxpool2x2_backward,
                            lesson10.pool_backward_cases),
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
    EXERCISES[name][1](getattr(lesson10, name), seed=3)
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


def test_a_seed_that_is_not_an_int_is_refused():
    with pytest.raises(TypeError, match="seed must be None .* or an int, got str"):
        check_conv2d_single(reference("conv2d_single"), seed="7")


def test_conv_check_fails_a_true_convolution_with_a_flipped_kernel():
    def flipped(image, kernel):
        return lesson10.conv2d_single(image, kernel[::-1, ::-1])

    with pytest.raises(CheckFailed, match="edge detector"):
        check_conv2d_single(flipped)


def test_conv_check_fails_a_same_size_output_with_a_shape_message():
    def padded(image, kernel):
        kh, kw = kernel.shape
        return lesson10.conv2d_single(
            np.pad(image, ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2))), kernel)

    with pytest.raises(CheckFailed, match=r"expected shape \(4, 5\), got shape \(6, 7\)"):
        check_conv2d_single(padded)


def test_conv_check_reports_a_missing_return():
    with pytest.raises(CheckFailed, match="forget to `return`"):
        check_conv2d_single(lambda image, kernel: None)


def test_conv_check_reports_a_division_warning_as_a_failure():
    def divides(image, kernel):
        return lesson10.conv2d_single(image, 1 / (1 / kernel))

    with pytest.raises(CheckFailed, match="RuntimeWarning.*needs no division"):
        check_conv2d_single(divides)


def test_conv_check_counts_a_warning_even_when_numpy_is_told_to_ignore_it():
    def divides(image, kernel):
        return lesson10.conv2d_single(image, 1 / (1 / kernel))

    state = np.geterr()
    with np.errstate(all="ignore"), pytest.raises(CheckFailed, match="RuntimeWarning"):
        check_conv2d_single(divides)
    assert np.geterr() == state


def test_conv_check_fails_a_float32_answer_to_float64_inputs():
    source = solution_source("lesson10-conv2d-single")
    old = "np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))"
    assert old in source
    float32 = solution("lesson10-conv2d-single",
                       source.replace(old, old[:-1] + ", dtype=np.float32)"))
    with pytest.raises(CheckFailed, match=r"keep the dtype of image \(float64\).*float32"):
        check_conv2d_single(float32)


def test_conv_backward_check_fails_an_unflipped_kernel_for_the_image_gradient():
    wrong = changed("conv2d_backward_single", "kernel[::-1, ::-1]", "kernel")
    with pytest.raises(CheckFailed, match="value 0"):
        check_conv2d_backward(wrong)


def test_conv_backward_check_fails_swapped_roles_with_a_shape_message():
    wrong = changed("conv2d_backward_single", "conv2d_single(image, dZ)",
                    "conv2d_single(image, kernel)")
    with pytest.raises(CheckFailed, match=r"value 1: expected shape \(3, 2\)"):
        check_conv2d_backward(wrong)


def test_pool_check_fails_average_pooling():
    wrong = changed("maxpool2x2", ".max(axis=(1, 3))", ".mean(axis=(1, 3))")
    with pytest.raises(CheckFailed, match=r"one 2x2 block.*expected 5, got 2\.75"):
        check_maxpool2x2(wrong)


def test_pool_check_fails_a_max_starting_from_zero():
    with pytest.raises(CheckFailed, match="negative numbers only"):
        check_maxpool2x2(lambda image: np.maximum(lesson10.maxpool2x2(image), 0.0))


def test_pool_check_fails_a_wrong_reshape():
    wrong = changed("maxpool2x2", "reshape(n_H // 2, 2, n_W // 2, 2).max(axis=(1, 3))",
                    "reshape(n_H // 2, n_W // 2, 2, 2).max(axis=(2, 3))")
    with pytest.raises(CheckFailed, match="4x4 image"):
        check_maxpool2x2(wrong)


def test_pool_backward_check_fails_a_gradient_spread_over_the_block():
    def spread(dout, image):
        return np.kron(dout, np.ones((2, 2))) / 4

    with pytest.raises(CheckFailed, match="4x4 example"):
        check_maxpool2x2_backward(spread)


def test_pool_backward_check_fails_the_last_of_two_tied_maxima():
    wrong = changed("maxpool2x2_backward", "np.argmax(block)",
                    "block.size - 1 - np.argmax(block.ravel()[::-1])")
    with pytest.raises(CheckFailed, match="appears twice"):
        check_maxpool2x2_backward(wrong)


def test_checks_report_an_unfinished_exercise_with_its_first_hint():
    def stub(*args):
        raise NotImplementedError("not yet")

    with pytest.raises(CheckFailed, match="not implemented yet.*Hint: Only the winner"):
        check_maxpool2x2_backward(stub)
