"""Lesson 07 exercise checks: pass correct functions, fail every kind of wrong one clearly."""

import numpy as np
import pytest

from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson07 import check_normalize_images, check_one_hot_encode


def correct_normalize_images(images):
    return images.reshape(len(images), -1).astype(np.float32) / 255


def correct_one_hot_encode(y, n_classes):
    Y = np.zeros((len(y), n_classes), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1
    return Y


# ----------------------------------------------------------------------------- normalize_images


def test_normalize_images_check_passes_reshape_with_784_and_np_divide(capsys):
    def with_divide(images):
        return np.divide(images.reshape(-1, 784), np.float32(255), dtype=np.float32)

    check_normalize_images(with_divide)
    assert "passed" in capsys.readouterr().out


def test_normalize_images_check_fails_dividing_by_256():
    def by_256(images):
        return images.reshape(len(images), -1).astype(np.float32) / 256

    with pytest.raises(CheckFailed, match="black .* white.*expected 1, got 0.996"):
        check_normalize_images(by_256)


def test_normalize_images_check_fails_dividing_by_the_batch_maximum():
    def by_max(images):
        flat = images.reshape(len(images), -1).astype(np.float32)
        return flat / max(flat.max(), 1)

    with pytest.raises(CheckFailed, match="brightest pixel is 120"):
        check_normalize_images(by_max)


def test_normalize_images_check_fails_integer_division():
    def floor_division(images):
        return (images.reshape(len(images), -1) // 255).astype(np.float32)

    with pytest.raises(CheckFailed, match="5 random images \\(5, 28, 28\\)"):
        check_normalize_images(floor_division)


def test_normalize_images_check_fails_images_left_unflattened():
    def unflattened(images):
        return images.astype(np.float32) / 255

    with pytest.raises(CheckFailed, match="expected shape \\(3, 784\\), got shape \\(3, 28, 28\\)"):
        check_normalize_images(unflattened)


def test_normalize_images_check_fails_float64_pixels():
    def float64(images):
        return images.reshape(len(images), -1) / 255.0

    with pytest.raises(CheckFailed, match="float32 .*expected 1, got 0"):
        check_normalize_images(float64)


def test_normalize_images_check_fails_a_list_instead_of_an_array():
    def as_list(images):
        return correct_normalize_images(images).tolist()

    with pytest.raises(CheckFailed, match="float32 .*expected numbers, got str 'list"):
        check_normalize_images(as_list)


def test_normalize_images_check_reports_an_exception_in_the_learners_code():
    def crashing(images):
        return images.reshape(len(images), 785)

    with pytest.raises(CheckFailed, match="your function raised ValueError"):
        check_normalize_images(crashing)


def test_normalize_images_check_rejects_something_that_is_not_a_function():
    with pytest.raises(CheckFailed, match="expected a function"):
        check_normalize_images(np.zeros((1, 784)))


# ----------------------------------------------------------------------------- one_hot_encode


def test_one_hot_encode_check_passes_rows_of_the_identity_matrix(capsys):
    def with_eye(y, n_classes):
        return np.eye(n_classes, dtype=np.float32)[y]

    check_one_hot_encode(with_eye)
    assert "passed" in capsys.readouterr().out


def test_one_hot_encode_check_fails_columns_counted_from_the_labels():
    def from_labels(y, n_classes):
        return correct_one_hot_encode(y, int(y.max()) + 1)

    with pytest.raises(CheckFailed, match="not y.max\\(\\) \\+ 1.*expected shape \\(2, 10\\)"):
        check_one_hot_encode(from_labels)


def test_one_hot_encode_check_fails_labels_shifted_by_one():
    def shifted(y, n_classes):
        return correct_one_hot_encode((y + 1) % n_classes, n_classes)

    with pytest.raises(CheckFailed, match="y = \\[0, 2, 1\\]"):
        check_one_hot_encode(shifted)


def test_one_hot_encode_check_fails_transposed_rows():
    def transposed(y, n_classes):
        return correct_one_hot_encode(y, n_classes).T

    with pytest.raises(CheckFailed, match="expected shape \\(2, 10\\), got shape \\(10, 2\\)"):
        check_one_hot_encode(transposed)


def test_one_hot_encode_check_fails_float64_rows():
    def float64(y, n_classes):
        return np.eye(n_classes)[y]

    with pytest.raises(CheckFailed, match="float32 .*expected 1, got 0"):
        check_one_hot_encode(float64)


def test_one_hot_encode_check_rejects_something_that_is_not_a_function():
    with pytest.raises(CheckFailed, match="one_hot_encode: expected a function"):
        check_one_hot_encode("np.eye(10)[y]")
