r"""Checks for lesson 07, training on MNIST: ``normalize_images`` and ``one_hot_encode``.

The expected answers are those of :mod:`nnlib.data`: ``load_mnist`` scales the raw pixels as
$x / 255$ into one float32 row of 784 per image, and :func:`~nnlib.data.one_hot` builds the
float32 one-hot rows. Both answers must be float32, so each check also asks for the dtype,
through a wrapper that measures the learner's result instead of comparing it.
"""

import numpy as np

from ..data import one_hot
from .core import Case, run_check, summarize


def measure(function):
    """A function ``(*args, what) -> array or flag`` that calls the learner's ``function(*args)``
    and returns its result (``what == "values"``) or whether that result is a float32 array
    (``what == "float32"``). Anything that is not an array is passed on as a description, so the
    failure message says what came back."""

    def call(*args):
        *args, what = args
        result = function(*args)
        if what == "values" or result is None:
            return result
        if not isinstance(result, np.ndarray):
            return summarize(result)
        return result.dtype == np.float32

    return call


def check_normalize_images(normalize_images):
    r"""Check the learner's ``normalize_images(images)``: raw ``uint8`` pixels, shaped
    ``(m, 28, 28)`` or ``(m, 784)``, to float32 rows ``(m, 784)`` with values $x / 255$ in
    $[0, 1]$."""
    if not callable(normalize_images):  # run_check says what was passed instead of a function
        run_check("normalize_images", normalize_images, [], hint="")
    rng = np.random.default_rng(7)
    extremes = np.zeros((3, 28, 28), dtype=np.uint8)
    extremes[1] = 255
    extremes[2, ::2] = 255                                   # every other row white
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    dark = rng.integers(0, 121, size=(2, 28, 28), dtype=np.uint8)
    dark[0, 0, 0] = 120                                      # the brightest pixel is 120

    def scaled(raw):
        return raw.reshape(len(raw), -1).astype(np.float64) / 255.0

    cases = [
        Case("3 images (3, 28, 28) of black (0) and white (255) pixels", (extremes, "values"),
             scaled(extremes)),
        Case("5 random images (5, 28, 28)", (images, "values"), scaled(images)),
        Case("the same 5 images already flattened, shape (5, 784)",
             (images.reshape(5, 784), "values"), scaled(images)),
        Case("2 dark images whose brightest pixel is 120 (divide by 255, the largest possible "
             "pixel, not by the batch's maximum)", (dark, "values"), scaled(dark)),
        Case("5 random images: the result is a float32 array (1 = yes, 0 = no)",
             (images, "float32"), True),
    ]
    run_check("normalize_images", measure(normalize_images), cases,
              hint="reshape to (m, 784) with images.reshape(len(images), -1), convert with "
                   ".astype(np.float32), then divide by 255.")


def check_one_hot_encode(one_hot_encode):
    r"""Check the learner's ``one_hot_encode(y, n_classes)``: integer labels ``(m,)`` to float32
    rows ``(m, n_classes)`` with $Y_{ik} = 1$ if $y_i = k$, else 0."""
    if not callable(one_hot_encode):  # run_check says what was passed instead of a function
        run_check("one_hot_encode", one_hot_encode, [], hint="")
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 10, size=100)
    small = np.array([0, 2, 1])
    ones = np.array([1, 1])
    nine = np.array([9, 0])
    cases = [
        Case("y = [0, 2, 1], n_classes = 3", (small, 3, "values"), one_hot(small, 3)),
        Case("y = [1, 1], n_classes = 10 (the number of columns is n_classes, not y.max() + 1)",
             (ones, 10, "values"), one_hot(ones, 10)),
        Case("y = [9, 0], n_classes = 10 (the last and the first class)", (nine, 10, "values"),
             one_hot(nine, 10)),
        Case("100 random labels 0..9, n_classes = 10", (labels, 10, "values"),
             one_hot(labels, 10)),
        Case("100 random labels: the result is a float32 array (1 = yes, 0 = no)",
             (labels, 10, "float32"), True),
    ]
    run_check("one_hot_encode", measure(one_hot_encode), cases,
              hint="start from np.zeros((len(y), n_classes), dtype=np.float32) and set one "
                   "entry per row to 1: Y[np.arange(len(y)), y] = 1.")
