r"""Checks for lesson 10, beyond the MLP: ``conv2d_single`` and ``maxpool2x2``.

The expected answers come from :mod:`nnlib.conv` (``conv_forward`` and ``maxpool_forward`` on
the image as a batch of one one-channel image), computed in float64.
"""

import numpy as np

from ..conv import conv_forward, maxpool_forward
from .core import Case, run_check


def expected_conv2d_single(image, kernel):
    """What ``nnlib.conv.conv_forward`` gives for one 2-D image and one 2-D kernel."""
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    Z, _ = conv_forward(image[None, None], kernel[None, None], np.zeros(1))
    return Z[0, 0]


def check_conv2d_single(conv2d_single):
    r"""Check the learner's ``conv2d_single(image, kernel)``, a "valid" convolution.

    $$Z[y, x] = \sum_{u=0}^{k_h - 1} \sum_{v=0}^{k_w - 1} K[u, v]\, I[y + u, x + v]$$

    image: ``(H, W)``; kernel: ``(kh, kw)``; the answer has shape ``(H - kh + 1, W - kw + 1)``
    (the kernel is not flipped, as in every deep-learning library).
    """
    rng = np.random.default_rng(10)
    image = rng.standard_normal((6, 7))
    centre = np.zeros((3, 3))
    centre[1, 1] = 1.0
    step = np.zeros((4, 6))
    step[:, 3:] = 1.0                       # dark on the left, bright from column 3 on
    edge = np.array([[-1.0, 0.0, 1.0]] * 3)  # responds to a rise from left to right
    big = np.array([[1e4, -1e4, 1e4], [-1e4, 1e4, -1e4], [1e4, 1e4, -1e4]])
    corner = np.array([[1.0, 2.0], [3.0, 4.0]])
    wide = rng.standard_normal((2, 3))
    random_image, random_kernel = rng.standard_normal((9, 8)), rng.standard_normal((3, 3))
    cases = [
        Case("a 1x1 identity kernel [[1]] (the image comes back unchanged)",
             (image, np.ones((1, 1))), image.copy()),
        Case("a 3x3 kernel with a single 1 in the centre (the image without its border)",
             (image, centre), image[1:-1, 1:-1].copy()),
        Case("a vertical-edge detector [[-1, 0, 1]] x 3 rows on a dark-to-bright step "
             "(3 wherever the window straddles the edge, 0 elsewhere)",
             (step, edge), np.array([[0.0, 3.0, 3.0, 0.0]] * 2)),
        Case("an asymmetric 2x2 kernel [[1, 2], [3, 4]] on a 3x3 image 0..8 (the kernel is "
             "not flipped)", (np.arange(9.0).reshape(3, 3), corner),
             np.array([[27.0, 37.0], [57.0, 67.0]])),
        Case("a kernel as large as the image (one output number)",
             (image[:3, :3], centre + 0.5), expected_conv2d_single(image[:3, :3], centre + 0.5)),
        Case("a non-square 2x3 kernel on a 6x7 image (output 5x5)",
             (image, wide), expected_conv2d_single(image, wide)),
        Case("large values ±1e4 in the image", (big, centre), np.array([[1e4]])),
        Case("a random 9x8 image and 3x3 kernel",
             (random_image, random_kernel), expected_conv2d_single(random_image, random_kernel)),
    ]
    run_check("conv2d_single", conv2d_single, cases,
              hint="out has shape (H - kh + 1, W - kw + 1); for each output position (y, x) "
                   "take the patch image[y:y + kh, x:x + kw], multiply it element by element "
                   "by the kernel and sum. Do not flip the kernel.")


def expected_maxpool2x2(image):
    """What ``nnlib.conv.maxpool_forward`` gives for one 2-D image, 2x2 windows, stride 2."""
    image = np.asarray(image, dtype=np.float64)
    P, _ = maxpool_forward(image[None, None], size=2, stride=2)
    return P[0, 0]


def check_maxpool2x2(maxpool2x2):
    r"""Check the learner's ``maxpool2x2(image)``: the largest value of each 2x2 block.

    $$P[y, x] = \max\big(I[2y, 2x], I[2y, 2x + 1], I[2y + 1, 2x], I[2y + 1, 2x + 1]\big)$$

    image: ``(H, W)`` with ``H`` and ``W`` even; the answer has shape ``(H // 2, W // 2)``.
    """
    rng = np.random.default_rng(11)
    counting = np.arange(16.0).reshape(4, 4)
    negative = -np.arange(1.0, 17.0).reshape(4, 4)
    big = np.array([[1e4, -1e4], [-1e4, -2e4]])
    random_image = rng.standard_normal((6, 8))
    cases = [
        Case("one 2x2 block (one output number)", (np.array([[1.0, 5.0], [3.0, 2.0]]),),
             np.array([[5.0]])),
        Case("a 4x4 image 0..15 (2x2 output)", (counting,), np.array([[5.0, 7.0], [13.0, 15.0]])),
        Case("an image of negative numbers only (the max is still negative, not 0)",
             (negative,), np.array([[-1.0, -3.0], [-9.0, -11.0]])),
        Case("an image of zeros", (np.zeros((4, 6)),), np.zeros((2, 3))),
        Case("large values ±1e4", (big,), np.array([[1e4]])),
        Case("a random 6x8 image (3x4 output, not square)", (random_image,),
             expected_maxpool2x2(random_image)),
    ]
    run_check("maxpool2x2", maxpool2x2, cases,
              hint="the output has shape (H // 2, W // 2); output (y, x) is the max of the block "
                   "image[2*y:2*y + 2, 2*x:2*x + 2]. Loops work; so does "
                   "image.reshape(H // 2, 2, W // 2, 2).max(axis=(1, 3)).")
