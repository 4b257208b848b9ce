"""Lesson 10 checks: pass the reference solutions, fail every one-token mutant of them and the
typical mistakes, with hidden cases, warnings as failures, and hints that do not leak."""

import numpy as np
import pytest
from one_token_mutants import compile_function, mutants, surviving_mutants

from nnlib.checks import lesson10
from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import hints_for
from nnlib.checks.lesson10 import (
    HINTS,
    check_conv2d_backward,
    check_conv2d_single,
    check_maxpool2x2,
    check_maxpool2x2_backward,
)

CONV = '''
def conv2d_single(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out
'''

CONV_BACKWARD = '''
def conv2d_backward_single(dZ, image, kernel):
    kh, kw = kernel.shape
    dkernel = conv2d_single(image, dZ)
    padded = np.pad(dZ, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    dimage = conv2d_single(padded, kernel[::-1, ::-1])
    return dimage, dkernel
'''

POOL = '''
def maxpool2x2(image):
    H, W = image.shape
    return image.reshape(H // 2, 2, W // 2, 2).max(axis=(1, 3))
'''

POOL_BACKWARD = '''
def maxpool2x2_backward(dout, image):
    dX = np.zeros_like(image)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            block = image[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            u, v = np.unravel_index(np.argmax(block), block.shape)
            dX[2 * i + u, 2 * j + v] = dout[i, j]
    return dX
'''

NAMESPACE = {"np": np, "conv2d_single": lesson10.conv2d_single}

EXERCISES = {
    "conv2d_single": (CONV, check_conv2d_single, lesson10.conv_cases),
    "conv2d_backward_single": (CONV_BACKWARD, check_conv2d_backward,
                               lesson10.conv_backward_cases),
    "maxpool2x2": (POOL, check_maxpool2x2, lesson10.pool_cases),
    "maxpool2x2_backward": (POOL_BACKWARD, check_maxpool2x2_backward,
                            lesson10.pool_backward_cases),
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
    EXERCISES[name][1](getattr(lesson10, name), seed=3)
    assert "✔" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_one_token_mutant_fails_the_check(name):
    source, check, _ = EXERCISES[name]
    survivors = [d for d in surviving_mutants(source, name, check, NAMESPACE)
                 if (name, d) not in EQUIVALENT]
    assert survivors == [], f"mutants of {name} that pass its check: {survivors}"


def test_the_mutants_include_each_kind_for_these_solutions():
    kinds = " ".join(d for d, _ in mutants(CONV + CONV_BACKWARD + POOL_BACKWARD))
    for expected in ("+ -> -", "- -> +", "* -> /", "* -> @", "1 -> 2", "2 -> 3",
                     "unary minus dropped", "scaled by 1.01"):
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

    with pytest.raises(CheckFailed, match="RuntimeWarning"):
        check_conv2d_single(divides)


def test_conv_backward_check_fails_an_unflipped_kernel_for_the_image_gradient():
    source = CONV_BACKWARD.replace("kernel[::-1, ::-1]", "kernel")
    with pytest.raises(CheckFailed, match="value 0"):
        check_conv2d_backward(compile_function(source, "conv2d_backward_single", NAMESPACE))


def test_conv_backward_check_fails_swapped_roles_with_a_shape_message():
    source = CONV_BACKWARD.replace("conv2d_single(image, dZ)", "conv2d_single(image, kernel)")
    with pytest.raises(CheckFailed, match=r"value 1: expected shape \(3, 2\)"):
        check_conv2d_backward(compile_function(source, "conv2d_backward_single", NAMESPACE))


def test_pool_check_fails_average_pooling():
    def average(image):
        H, W = image.shape
        return image.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))

    with pytest.raises(CheckFailed, match=r"one 2x2 block.*expected 5, got 2\.75"):
        check_maxpool2x2(average)


def test_pool_check_fails_a_max_starting_from_zero():
    with pytest.raises(CheckFailed, match="negative numbers only"):
        check_maxpool2x2(lambda image: np.maximum(lesson10.maxpool2x2(image), 0.0))


def test_pool_check_fails_a_wrong_reshape():
    def wrong(image):
        H, W = image.shape
        return image.reshape(H // 2, W // 2, 2, 2).max(axis=(2, 3))

    with pytest.raises(CheckFailed, match="4x4 image"):
        check_maxpool2x2(wrong)


def test_pool_backward_check_fails_a_gradient_spread_over_the_block():
    def spread(dout, image):
        return np.kron(dout, np.ones((2, 2))) / 4

    with pytest.raises(CheckFailed, match="4x4 example"):
        check_maxpool2x2_backward(spread)


def test_pool_backward_check_fails_the_last_of_two_tied_maxima():
    last = "block.size - 1 - np.argmax(block.ravel()[::-1])"
    source = POOL_BACKWARD.replace("np.argmax(block)", last)
    with pytest.raises(CheckFailed, match="appears twice"):
        check_maxpool2x2_backward(compile_function(source, "maxpool2x2_backward", NAMESPACE))


def test_checks_report_an_unfinished_exercise_with_its_first_hint():
    def stub(*args):
        raise NotImplementedError("not yet")

    with pytest.raises(CheckFailed, match="not implemented yet.*Hint: Only the winner"):
        check_maxpool2x2_backward(stub)


def test_every_exercise_has_two_or_three_hints_that_do_not_contain_the_solution():
    sources = {"lesson10-conv2d-single": CONV, "lesson10-conv2d-backward": CONV_BACKWARD,
               "lesson10-maxpool2x2": POOL, "lesson10-maxpool2x2-backward": POOL_BACKWARD}
    assert set(sources) == set(HINTS)
    for exercise, source in sources.items():
        hints = hints_for(exercise)
        assert 2 <= len(hints) <= 3
        text = "".join("".join(hints).split())
        for line in source.strip().splitlines()[1:]:
            expression = line.split("=", 1)[1] if " = " in line else line.replace("return", "")
            expression = "".join(expression.split())
            assert len(expression) < 6 or expression not in text, (exercise, line)
