r"""Checks for lesson 10, convolutional networks: a convolution with loops, its backward pass
as convolutions, and 2x2 max pooling forward and backward, all on one 2-D image.

The expected answers come from :mod:`nnlib.conv` (``conv_forward``/``conv_backward`` and
``maxpool_forward``/``maxpool_backward`` on the image as a batch of one one-channel image),
computed in float64. ``seed=None`` runs the visible cases; an int ``seed`` adds hidden cases of
the same kinds drawn from ``np.random.default_rng(seed)``. A warning (overflow, division by
zero) in the learner's function is a failure, not something to silence, and a result keeps the
dtype of its input, float64 here (see :mod:`nnlib.checks.strict`).

The functions named after the exercises (:func:`conv2d_single`, :func:`conv2d_backward_single`,
:func:`maxpool2x2`, :func:`maxpool2x2_backward`) are nnlib's answers, for a student version to
fall back on (``yours_or_nnlib``).
"""

import numpy as np

from ..conv import conv_backward, conv_forward, maxpool_backward, maxpool_forward
from .core import Case
from .strict import run_strict_check, visible_and_hidden

HINTS = {
    "lesson10-conv2d-single": (
        "Slide the kernel over every position where it fits entirely inside the image. At each "
        "position, multiply the patch under the kernel by the kernel, element by element, and "
        "add everything up: that is one output number. Do not flip the kernel.",
        "For an image (n_H, n_W) and a kernel (kh, kw) the output is "
        "(n_H − kh + 1, n_W − kw + 1), and "
        "out[i, j] = Σᵤ Σᵥ K[u, v] · I[i + u, j + v], with u from 0 to kh − 1 and v from 0 to "
        "kw − 1. Two loops over i and j, and a slice of the image for the patch.",
    ),
    "lesson10-conv2d-backward": (
        "Each kernel weight K[u, v] meets the image pixel I[i + u, j + v] at every output "
        "position (i, j), so its gradient sums dZ[i, j] times that pixel: a convolution of the "
        "image with dZ used as the kernel. Each image pixel receives a share from every "
        "output whose window covered it: a full convolution of dZ with the kernel turned "
        "by 180°.",
        "dK = the valid convolution of the image with dZ (its shape is the kernel's). "
        "dI = the valid convolution of dZ, padded with kh − 1 rows and kw − 1 columns of zeros "
        "on every side, with the kernel flipped in both directions (its shape is the "
        "image's). Your conv2d_single does both.",
        "Check the shapes: the image (n_H, n_W), the kernel (kh, kw), "
        "dZ (n_H − kh + 1, n_W − kw + 1). "
        "Padding dZ by kh − 1 on each side gives n_H + kh − 1 rows, and a kh-row kernel then "
        "gives n_H rows back.",
    ),
    "lesson10-maxpool2x2": (
        "Cut the image into non-overlapping 2 x 2 blocks and keep the largest number of each "
        "block. The output has half as many rows and half as many columns.",
        "out[i, j] = the maximum of I[2i, 2j], I[2i, 2j + 1], I[2i + 1, 2j] and "
        "I[2i + 1, 2j + 1], for an output of shape (n_H / 2, n_W / 2). Loops over i and j work; "
        "so does a reshape to (n_H / 2, 2, n_W / 2, 2) and a maximum over the two axes of size 2.",
    ),
    "lesson10-maxpool2x2-backward": (
        "Only the winner of each 2 x 2 block influenced the output, so only it gets a gradient: "
        "all of dout at (i, j) goes to the position of the block's maximum, and the other three "
        "positions get 0.",
        "Start from zeros shaped like the image. For each block (i, j), find the row u and "
        "column v of its maximum inside the block (np.argmax on the block, then "
        "np.unravel_index), and put the gradient of block (i, j) at image position "
        "(2i + u, 2j + v).",
        "If a block holds its maximum twice, give the gradient to the first one in reading "
        "order (row by row), which is what np.argmax picks.",
    ),
}




def fixed(seed, shape):
    """Fixed standard-normal numbers for the visible cases."""
    return np.random.default_rng(1000 + seed).standard_normal(shape)


def _as_batch(image):
    """A 2-D image as a float64 batch of one one-channel image ``(1, 1, n_H, n_W)``."""
    return np.asarray(image, dtype=np.float64)[None, None]


# ----------------------------------------------------------------------------- convolution


def conv2d_single(image, kernel):
    """The exercise's answer from nnlib: the valid convolution (no flip) of ``image``
    ``(n_H, n_W)`` with ``kernel`` ``(kh, kw)``, shape ``(n_H - kh + 1, n_W - kw + 1)``, float64."""
    Z, _ = conv_forward(_as_batch(image), _as_batch(kernel), np.zeros(1))
    return Z[0, 0]


def _conv_case(description, image, kernel):
    image, kernel = np.asarray(image, np.float64), np.asarray(kernel, np.float64)
    return Case(description, (image, kernel), conv2d_single(image, kernel))


def conv_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``."""
    if rng is not None:
        cases = []
        for index in range(4):
            kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
            n_H, n_W = kh + int(rng.integers(0, 6)), kw + int(rng.integers(1, 6))
            cases.append(_conv_case(f"hidden case {index + 1}: image ({n_H}, {n_W}), kernel "
                                    f"({kh}, {kw})", rng.standard_normal((n_H, n_W)),
                                    rng.standard_normal((kh, kw))))
        return cases
    image = fixed(0, (6, 7))
    centre = np.zeros((3, 3))
    centre[1, 1] = 1.0
    step = np.zeros((4, 6))
    step[:, 3:] = 1.0                        # dark on the left, bright from column 3 on
    edge = np.array([[-1.0, 0.0, 1.0]] * 3)   # responds to a rise from left to right
    big = np.array([[1e4, -1e4, 1e4], [-1e4, 1e4, -1e4], [1e4, 1e4, -1e4]])
    return [
        _conv_case("a 1x1 identity kernel [[1]] (the image comes back unchanged)",
                   image, np.ones((1, 1))),
        _conv_case("a 3x3 kernel with a single 1 in the centre (the image without its border)",
                   image, centre),
        _conv_case("a vertical-edge detector [[-1, 0, 1]] x 3 rows on a dark-to-bright step "
                   "(3 wherever the window straddles the edge, 0 elsewhere)", step, edge),
        _conv_case("an asymmetric 2x2 kernel [[1, 2], [3, 4]] on a 3x3 image 0..8 (the "
                   "kernel is not flipped)", np.arange(9.0).reshape(3, 3),
                   [[1.0, 2.0], [3.0, 4.0]]),
        _conv_case("a kernel as large as the image (one output number)", image[:3, :3],
                   centre + 0.5),
        _conv_case("a non-square 2x3 kernel with zeros in it on a 6x7 image (output 5x5)",
                   image, [[0.0, 1.5, -2.0], [0.5, 0.0, 1.0]]),
        _conv_case("large values ±1e4 in the image", big, centre),
        _conv_case("a random 9x8 image and 3x3 kernel", fixed(1, (9, 8)), fixed(2, (3, 3))),
    ]


def check_conv2d_single(function, *, seed=None):
    r"""Check the learner's ``conv2d_single(image, kernel)``, a "valid" convolution in deep
    learning's sense (a cross-correlation: the kernel is not flipped):

    $$Z[i, j] = \sum_{u=0}^{k_h - 1} \sum_{v=0}^{k_w - 1} K[u, v]\, I[i + u, j + v]$$

    image: ``(n_H, n_W)``; kernel: ``(kh, kw)``; the answer ``(n_H - kh + 1, n_W - kw + 1)``,
    float64.
    """
    cases = visible_and_hidden(conv_cases, seed)
    run_strict_check("conv2d_single", function, cases,
                     exercise="lesson10-conv2d-single", first="image", rtol=1e-6, atol=1e-9,
                     why="a sum of products of a patch and the kernel needs no division")


def conv2d_backward_single(dZ, image, kernel):
    """The exercise's answer from nnlib: ``(dimage, dkernel)`` of ``conv2d_single`` for the
    output gradient ``dZ`` ``(n_H - kh + 1, n_W - kw + 1)``, in float64."""
    _, cache = conv_forward(_as_batch(image), _as_batch(kernel), np.zeros(1))
    dX, dK, _ = conv_backward(_as_batch(dZ), cache)
    return dX[0, 0], dK[0, 0]


def _conv_backward_case(description, dZ, image, kernel):
    arrays = tuple(np.asarray(a, np.float64) for a in (dZ, image, kernel))
    return Case(description, arrays, conv2d_backward_single(*arrays))


def conv_backward_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``."""
    if rng is not None:
        cases = []
        for index in range(4):
            kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
            n_H, n_W = kh + int(rng.integers(0, 6)), kw + int(rng.integers(1, 6))
            cases.append(_conv_backward_case(
                f"hidden case {index + 1}: image ({n_H}, {n_W}), kernel ({kh}, {kw})",
                rng.standard_normal((n_H - kh + 1, n_W - kw + 1)), rng.standard_normal((n_H, n_W)),
                rng.standard_normal((kh, kw))))
        return cases
    image, kernel = fixed(10, (5, 6)), fixed(11, (3, 2))
    one_hot = np.zeros((3, 5))
    one_hot[1, 2] = 1.0
    return [
        _conv_backward_case("a random 5x6 image, a 3x2 kernel and a random dZ (3, 5)",
                            fixed(12, (3, 5)), image, kernel),
        _conv_backward_case("dZ with a single 1 at (1, 2): dkernel is the patch under that "
                            "window, dimage is the kernel placed on that window", one_hot,
                            image, kernel),
        _conv_backward_case("dZ of ones: dkernel sums the pixels each weight meets, dimage "
                            "counts how often each pixel was covered (for a kernel of ones)",
                            np.ones((3, 5)), image, np.ones((3, 2))),
        _conv_backward_case("an asymmetric 2x2 kernel [[1, 2], [3, 4]] (flip it in both "
                            "directions for dimage)", fixed(13, (3, 3)),
                            np.arange(16.0).reshape(4, 4), [[1.0, 2.0], [3.0, 4.0]]),
        _conv_backward_case("a 1x1 kernel [[2]] (dimage = 2 dZ)", fixed(14, (4, 3)),
                            fixed(15, (4, 3)), [[2.0]]),
        _conv_backward_case("a kernel as large as the image (dZ is 1x1)", [[0.5]],
                            fixed(16, (3, 4)), fixed(17, (3, 4))),
    ]


def check_conv2d_backward(function, *, seed=None):
    r"""Check the learner's ``conv2d_backward_single(dZ, image, kernel)``, which returns
    ``(dimage, dkernel)`` shaped like ``image`` ``(n_H, n_W)`` and ``kernel`` ``(kh, kw)``:

    $$dK[u, v] = \sum_{i, j} dZ[i, j]\, I[i + u, j + v], \qquad
    dI = \mathrm{conv}\big(\mathrm{pad}_{k-1}(dZ),\ K \text{ rotated by } 180°\big)$$

    in float64.
    """
    cases = visible_and_hidden(conv_backward_cases, seed)
    run_strict_check("conv2d_backward_single", function, cases,
                     exercise="lesson10-conv2d-backward", first="dZ", rtol=1e-6, atol=1e-9,
                     why="both gradients are convolutions, with no division")


# ----------------------------------------------------------------------------- max pooling


def maxpool2x2(image):
    """The exercise's answer from nnlib: the maximum of each 2x2 block of ``image``
    ``(n_H, n_W)`` (``n_H``, ``n_W`` even), shape ``(n_H // 2, n_W // 2)``, float64."""
    P, _ = maxpool_forward(_as_batch(image), size=2, stride=2)
    return P[0, 0]


def _pool_case(description, image):
    image = np.asarray(image, np.float64)
    return Case(description, (image,), maxpool2x2(image))


def pool_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``."""
    if rng is not None:
        cases = []
        for index in range(4):
            n_H, n_W = 2 * int(rng.integers(1, 5)), 2 * int(rng.integers(1, 5))
            cases.append(_pool_case(f"hidden case {index + 1}: image ({n_H}, {n_W})",
                                    rng.standard_normal((n_H, n_W))))
        return cases
    return [
        _pool_case("one 2x2 block (one output number)", [[1.0, 5.0], [3.0, 2.0]]),
        _pool_case("a 4x4 image 0..15 (2x2 output)", np.arange(16.0).reshape(4, 4)),
        _pool_case("an image of negative numbers only (the max is still negative, not 0)",
                   -np.arange(1.0, 17.0).reshape(4, 4)),
        _pool_case("an image of zeros", np.zeros((4, 6))),
        _pool_case("large values ±1e4", [[1e4, -1e4], [-1e4, -2e4]]),
        _pool_case("a random 6x8 image (3x4 output, not square)", fixed(20, (6, 8))),
        _pool_case("a random 4x2 image (2x1 output)", fixed(21, (4, 2))),
    ]


def check_maxpool2x2(function, *, seed=None):
    r"""Check the learner's ``maxpool2x2(image)``: the largest value of each 2x2 block,

    $$M[i, j] = \max\big(I[2i, 2j], I[2i, 2j + 1], I[2i + 1, 2j], I[2i + 1, 2j + 1]\big)$$

    image: ``(n_H, n_W)`` with ``n_H`` and ``n_W`` even; the answer ``(n_H // 2, n_W // 2)``.
    """
    cases = visible_and_hidden(pool_cases, seed)
    run_strict_check("maxpool2x2", function, cases,
                     exercise="lesson10-maxpool2x2", first="image", rtol=1e-6, atol=1e-9,
                     why="the largest of four numbers needs no arithmetic")


def maxpool2x2_backward(dout, image):
    """The exercise's answer from nnlib: the gradient ``(n_H, n_W)`` of ``maxpool2x2`` for
    ``dout`` ``(n_H // 2, n_W // 2)``: each block's gradient goes to its maximum (the first one in
    reading order on a tie), in float64."""
    _, cache = maxpool_forward(_as_batch(image), size=2, stride=2)
    return maxpool_backward(_as_batch(dout), cache)[0, 0]


def _pool_backward_case(description, dout, image):
    dout, image = np.asarray(dout, np.float64), np.asarray(image, np.float64)
    return Case(description, (dout, image), maxpool2x2_backward(dout, image))


def pool_backward_cases(rng=None):
    """Visible cases (``rng=None``) or hidden ones drawn from ``rng``."""
    if rng is not None:
        cases = []
        for index in range(4):
            h, w = int(rng.integers(1, 5)), int(rng.integers(1, 5))
            cases.append(_pool_backward_case(f"hidden case {index + 1}: image ({2 * h}, "
                                             f"{2 * w})", rng.standard_normal((h, w)),
                                             rng.standard_normal((2 * h, 2 * w))))
        return cases
    example = np.array([[1.0, 3.0, 0.0, 2.0], [4.0, 2.0, 1.0, 5.0],
                        [0.0, 6.0, 7.0, 1.0], [2.0, 1.0, 3.0, 8.0]])
    return [
        _pool_backward_case("the 4x4 example of the lesson with dout = [[10, 20], [30, 40]]",
                            [[10.0, 20.0], [30.0, 40.0]], example),
        _pool_backward_case("one 2x2 block whose maximum is at the bottom left",
                            [[2.5]], [[1.0, 0.0], [3.0, 2.0]]),
        _pool_backward_case("a block whose maximum appears twice (the first in reading order "
                            "gets the gradient)", [[1.0, -2.0]],
                            [[0.0, 5.0, -1.0, -1.0], [5.0, 1.0, -1.0, -3.0]]),
        _pool_backward_case("an image of negative numbers only", [[1.0, 2.0], [3.0, 4.0]],
                            -np.arange(1.0, 17.0).reshape(4, 4)[:, ::-1]),
        _pool_backward_case("a random 6x8 image (dout 3x4, not square)", fixed(30, (3, 4)),
                            fixed(31, (6, 8))),
        _pool_backward_case("a random 4x2 image (dout 2x1)", fixed(32, (2, 1)), fixed(33, (4, 2))),
    ]


def check_maxpool2x2_backward(function, *, seed=None):
    r"""Check the learner's ``maxpool2x2_backward(dout, image)``: ``dX`` ``(n_H, n_W)`` with
    ``dout[i, j]`` at the position of block ``(i, j)``'s maximum and 0 everywhere else.
    dout: ``(n_H // 2, n_W // 2)``; image: ``(n_H, n_W)``; float64.
    """
    cases = visible_and_hidden(pool_backward_cases, seed)
    run_strict_check("maxpool2x2_backward", function, cases,
                     exercise="lesson10-maxpool2x2-backward", first="dout", rtol=1e-6, atol=1e-9,
                     why="sending dout to each block's maximum needs no arithmetic")
