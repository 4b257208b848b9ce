"""Lesson 10 exercise checks: pass a correct answer, fail every kind of wrong one clearly."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson10 import check_conv2d_single, check_maxpool2x2


def correct_conv2d_single(image, kernel):
    kh, kw = kernel.shape
    H, W = image.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = np.sum(image[y:y + kh, x:x + kw] * kernel)
    return out


def correct_maxpool2x2(image):
    H, W = image.shape
    return image.reshape(H // 2, 2, W // 2, 2).max(axis=(1, 3))


def test_conv2d_single_check_passes_a_float32_answer(capsys):
    check_conv2d_single(lambda image, kernel: correct_conv2d_single(image, kernel)
                        .astype(np.float32))
    assert "passed" in capsys.readouterr().out


def test_conv2d_single_check_fails_a_flipped_kernel():
    def true_convolution(image, kernel):
        return correct_conv2d_single(image, kernel[::-1, ::-1])

    with pytest.raises(CheckFailed, match="edge detector"):
        check_conv2d_single(true_convolution)


def test_conv2d_single_check_fails_swapped_kernel_axes():
    with pytest.raises(CheckFailed, match="edge detector"):
        check_conv2d_single(lambda image, kernel: correct_conv2d_single(image, kernel.T))


def test_conv2d_single_check_fails_a_same_size_output():
    def padded(image, kernel):
        kh, kw = kernel.shape
        return correct_conv2d_single(np.pad(image, ((kh // 2, (kh - 1) // 2),
                                                    (kw // 2, (kw - 1) // 2))), kernel)

    with pytest.raises(CheckFailed, match=r"expected shape \(4, 5\), got shape \(6, 7\)"):
        check_conv2d_single(padded)


def test_conv2d_single_check_fails_an_output_one_pixel_too_small():
    def off_by_one(image, kernel):
        return correct_conv2d_single(image, kernel)[:-1, :-1]

    with pytest.raises(CheckFailed, match="1x1 identity kernel.*expected shape"):
        check_conv2d_single(off_by_one)


def test_conv2d_single_check_reports_an_exception_with_the_case():
    def broken(image, kernel):
        return image @ kernel

    with pytest.raises(CheckFailed, match="your function raised ValueError"):
        check_conv2d_single(broken)


def test_maxpool2x2_check_passes_a_loop_version(capsys):
    def loops(image):
        out = np.empty((image.shape[0] // 2, image.shape[1] // 2))
        for y in range(out.shape[0]):
            for x in range(out.shape[1]):
                out[y, x] = image[2 * y:2 * y + 2, 2 * x:2 * x + 2].max()
        return out

    check_maxpool2x2(loops)
    assert "passed" in capsys.readouterr().out


def test_maxpool2x2_check_fails_average_pooling():
    def average(image):
        H, W = image.shape
        return image.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))

    with pytest.raises(CheckFailed, match=r"one 2x2 block .* expected 5, got 2\.75"):
        check_maxpool2x2(average)


def test_maxpool2x2_check_fails_a_max_starting_from_zero():
    def from_zero(image):
        return np.maximum(correct_maxpool2x2(image), 0.0)

    with pytest.raises(CheckFailed, match="negative numbers only"):
        check_maxpool2x2(from_zero)


def test_maxpool2x2_check_fails_overlapping_windows():
    def stride_one(image):
        H, W = image.shape
        return np.array([[image[y:y + 2, x:x + 2].max() for x in range(W - 1)]
                         for y in range(H - 1)])

    with pytest.raises(CheckFailed, match=r"expected shape \(2, 2\), got shape \(3, 3\)"):
        check_maxpool2x2(stride_one)


def test_maxpool2x2_check_fails_a_wrong_reshape():
    def wrong_reshape(image):
        H, W = image.shape
        return image.reshape(H // 2, W // 2, 2, 2).max(axis=(2, 3))

    with pytest.raises(CheckFailed, match="4x4 image"):
        check_maxpool2x2(wrong_reshape)


def test_checks_never_show_the_reference_code():
    with pytest.raises(CheckFailed) as failure:
        check_conv2d_single(lambda image, kernel: image)
    with pytest.raises(CheckFailed) as pool_failure:
        check_maxpool2x2(lambda image: image)
    for message in (str(failure.value), str(pool_failure.value)):
        assert "conv_forward" not in message and "maxpool_forward" not in message
