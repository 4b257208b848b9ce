r"""Small 2-D data sets for experiments (lessons 05, 06 and the widgets).

Each function returns ``(X, y)``: ``X`` float32 of shape ``(m, 2)`` (rows are examples) and
``y`` int64 class labels of shape ``(m,)``. The rows come shuffled, the classes are as equal
in size as ``n_samples`` allows, and ``rng`` (an int seed or a ``numpy.random.Generator``)
makes every draw reproducible.

- :func:`make_moons`: two interleaving half circles, not separable by a straight line.
- :func:`make_spirals`: ``n_classes`` spiral arms winding around the origin.
- :func:`make_blobs`: Gaussian clouds around centers placed evenly on a circle.

And one set of sequences, for the recurrent network: :func:`make_marker_sequences`.
"""

import numbers

import numpy as np

from ._validation import check_positive
from .initialization import as_generator


def class_sizes(n_samples, n_classes):
    """Split ``n_samples`` into ``n_classes`` sizes that differ by at most one."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def finish(points, labels, rng):
    """Stack the per-class points and labels, shuffle the rows, and set the dtypes."""
    X = np.concatenate(points).astype(np.float32)
    y = np.concatenate(labels).astype(np.int64)
    order = rng.permutation(len(y))
    return X[order], y[order]


def check_noise(noise):
    """Raise unless ``noise`` is a finite number ``>= 0`` (0 means no noise at all)."""
    if isinstance(noise, numbers.Real) and not isinstance(noise, bool) and noise < 0:
        raise ValueError(f"noise must be a standard deviation >= 0 (0 = no noise), got {noise!r}.")
    if noise != 0:
        check_positive(noise, "noise")
    return float(noise)


def make_moons(n_samples=200, noise=0.1, rng=None):
    r"""Two interleaving half circles: class 0 on top, class 1 below and shifted right.

    Class 0: $(\cos t, \sin t)$; class 1: $(1 - \cos t, \tfrac12 - \sin t)$, $t \in [0, \pi]$,
    plus Gaussian noise of standard deviation ``noise``.
    Returns ``X`` ``(n_samples, 2)`` float32 and ``y`` ``(n_samples,)`` int64.
    Raises ``TypeError``/``ValueError`` if ``n_samples`` is not a positive integer or
    ``noise`` is negative.
    """
    check_positive(n_samples, "n_samples", integer=True)
    noise = check_noise(noise)
    rng = as_generator(rng)
    n_top, n_bottom = class_sizes(n_samples, 2)
    t_top, t_bottom = np.linspace(0, np.pi, n_top), np.linspace(0, np.pi, n_bottom)
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])
    bottom = np.column_stack([1 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])
    points = [top + noise * rng.standard_normal(top.shape),
              bottom + noise * rng.standard_normal(bottom.shape)]
    labels = [np.zeros(n_top), np.ones(n_bottom)]
    return finish(points, labels, rng)


def make_spirals(n_samples=300, n_classes=3, noise=0.2, rng=None):
    r"""``n_classes`` spiral arms: arm $k$ has radius $r \in [0, 1]$ and angle
    $\theta = 4r + 2\pi k / K$ plus Gaussian noise of standard deviation ``noise`` (radians).

    Points are $(r \sin\theta, r \cos\theta)$. Returns ``X`` ``(n_samples, 2)`` float32 and
    ``y`` ``(n_samples,)`` int64 in ``0..n_classes-1``.
    Raises ``TypeError``/``ValueError`` for sizes that are not positive integers, fewer
    samples than classes, or a negative ``noise``.
    """
    check_positive(n_samples, "n_samples", integer=True)
    check_positive(n_classes, "n_classes", integer=True)
    if n_samples < n_classes:
        raise ValueError(
            f"n_samples ({n_samples}) must be at least n_classes ({n_classes}), so that every "
            "class has a point."
        )
    noise = check_noise(noise)
    rng = as_generator(rng)
    points, labels = [], []
    for k, size in enumerate(class_sizes(n_samples, n_classes)):
        r = np.linspace(0.0, 1.0, size)
        theta = 4 * r + 2 * np.pi * k / n_classes + noise * rng.standard_normal(size)
        points.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        labels.append(np.full(size, k))
    return finish(points, labels, rng)


def make_blobs(n_samples=200, centers=2, std=1.0, rng=None):
    r"""Gaussian clouds of standard deviation ``std`` around ``centers`` points.

    centers: a number of clusters $K$ (centers placed evenly on a circle of radius 3 around
    the origin) or an array of centers ``(K, 2)``.
    Returns ``X`` ``(n_samples, 2)`` float32 and ``y`` ``(n_samples,)`` int64 in ``0..K-1``.
    Raises ``TypeError``/``ValueError`` for a bad size, a ``centers`` array that is not
    ``(K, 2)``, fewer samples than centers, or a ``std`` that is not positive.
    """
    check_positive(n_samples, "n_samples", integer=True)
    check_positive(std, "std")
    if np.ndim(centers) == 0:
        check_positive(centers, "centers", integer=True)
        angles = 2 * np.pi * np.arange(centers) / centers
        centers = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    else:
        centers = np.asarray(centers, dtype=np.float64)
        if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) == 0:
            raise ValueError(
                f"centers must be a number of clusters or an array of shape (K, 2); "
                f"got shape {centers.shape}."
            )
    if n_samples < len(centers):
        raise ValueError(
            f"n_samples ({n_samples}) must be at least the number of centers ({len(centers)})."
        )
    rng = as_generator(rng)
    points, labels = [], []
    for k, size in enumerate(class_sizes(n_samples, len(centers))):
        points.append(centers[k] + std * rng.standard_normal((size, 2)))
        labels.append(np.full(size, k))
    return finish(points, labels, rng)


def make_marker_sequences(n_samples=512, length=10, rng=None):
    r"""The toy task "does the sequence contain a 1?", which needs a memory of the past.

    Each step is 1 with probability $q = 1 - 2^{-1/T}$ and 0 otherwise, so about half the
    sequences hold no 1 at all ($(1 - q)^T = 1/2$). The label is 1 if there is a 1 anywhere,
    even at the first step: the network has to remember it until the end.

    Returns ``(X, y)``: ``X`` ``(n_samples, length, 1)`` float32 zeros and ones, ``y``
    ``(n_samples,)`` int64 labels. rng: an int seed or a ``numpy.random.Generator``.
    """
    check_positive(n_samples, "n_samples", integer=True)
    check_positive(length, "length", integer=True)
    q = 1.0 - 0.5 ** (1.0 / length)
    X = (as_generator(rng).random((n_samples, length, 1)) < q).astype(np.float32)
    return X, X.max(axis=(1, 2)).astype(np.int64)
