"""Lesson 10 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import numpy as np
import pytest
from exercise_runs import changed, solution, solution_source

from nnlib.checks import lesson10
from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson10 import (
    check_conv2d_backward,
    check_conv2d_single,
    check_maxpool2x2,
    check_maxpool2x2_backward,
)


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


def test_conv_check_fails_a_float32_answer_to_float64_inputs():
    source = solution_source("lesson10-conv2d-single")
    old = "np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))"
    assert old in source
    float32 = solution("lesson10-conv2d-single",
                       source.replace(old, old[:-1] + ", dtype=np.float32)"))
    with pytest.raises(CheckFailed, match=r"keep the dtype of image \(float64\).*float32"):
        check_conv2d_single(float32)


def test_conv_backward_check_fails_an_unflipped_kernel_for_the_image_gradient():
    wrong = changed("lesson10-conv2d-backward", "kernel[::-1, ::-1]", "kernel")
    with pytest.raises(CheckFailed, match="value 0"):
        check_conv2d_backward(wrong)


def test_conv_backward_check_fails_swapped_roles_with_a_shape_message():
    wrong = changed("lesson10-conv2d-backward", "conv2d_single(image, dZ)",
                    "conv2d_single(image, kernel)")
    with pytest.raises(CheckFailed, match=r"value 1: expected shape \(3, 2\)"):
        check_conv2d_backward(wrong)


def test_pool_check_fails_average_pooling():
    wrong = changed("lesson10-maxpool2x2", ".max(axis=(1, 3))", ".mean(axis=(1, 3))")
    with pytest.raises(CheckFailed, match=r"one 2x2 block.*expected 5, got 2\.75"):
        check_maxpool2x2(wrong)


def test_pool_check_fails_a_max_starting_from_zero():
    with pytest.raises(CheckFailed, match="negative numbers only"):
        check_maxpool2x2(lambda image: np.maximum(lesson10.maxpool2x2(image), 0.0))


def test_pool_check_fails_a_wrong_reshape():
    wrong = changed("lesson10-maxpool2x2", "reshape(n_H // 2, 2, n_W // 2, 2).max(axis=(1, 3))",
                    "reshape(n_H // 2, n_W // 2, 2, 2).max(axis=(2, 3))")
    with pytest.raises(CheckFailed, match="4x4 image"):
        check_maxpool2x2(wrong)


def test_pool_backward_check_fails_a_gradient_spread_over_the_block():
    def spread(dout, image):
        return np.kron(dout, np.ones((2, 2))) / 4

    with pytest.raises(CheckFailed, match="4x4 example"):
        check_maxpool2x2_backward(spread)


def test_pool_backward_check_fails_the_last_of_two_tied_maxima():
    wrong = changed("lesson10-maxpool2x2-backward", "np.argmax(block)",
                    "block.size - 1 - np.argmax(block.ravel()[::-1])")
    with pytest.raises(CheckFailed, match="appears twice"):
        check_maxpool2x2_backward(wrong)
