r"""Convolution and pooling (beyond the MLP): layers that see images as images.

Images are ``(m, C, H, W)``: ``m`` examples (the first axis, as rows are elsewhere), ``C``
channels, ``H`` by ``W`` pixels. A convolution layer has ``F`` filters ``K`` of shape
``(F, C, kh, kw)`` and one bias per filter ``c`` of shape ``(F,)``. With the input zero-padded
by $p$ pixels on every side ($X_p$) and a stride $s$, filter $f$ at output pixel $(y, x)$ computes

$$Z[i, f, y, x] = c_f + \sum_{c=1}^{C} \sum_{u=1}^{k_h} \sum_{v=1}^{k_w}
K[f, c, u, v]\; X_p[i, c, s y + u, s x + v]$$

for output sizes $H' = \lfloor (H + 2p - k_h) / s \rfloor + 1$ and
$W' = \lfloor (W + 2p - k_w) / s \rfloor + 1$. (Deep-learning "convolution" is really
cross-correlation: the filter is not flipped.)

The trick that makes this fast is :func:`im2col`: copy every $C \times k_h \times k_w$ patch
into one row of a matrix, and the whole layer becomes a single matrix product, exactly a dense
layer applied to every patch. Its adjoint :func:`col2im` adds the rows back into the image
and gives the backward pass. Max pooling reuses the same two functions, one channel at a time.

Every layer is a pair in the style of CS231n's ``layers.py``: ``*_forward(...) -> (out, cache)``
and ``*_backward(dout, cache)``. :class:`nnlib.convnet.ConvNet` stacks them under dense layers.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validation import as_float_array, check_finite, check_positive

# ----------------------------------------------------------------------------- checks


def check_images(X, name="X", channels=None):
    """``X`` as a floating ``(m, C, H, W)`` array (non-empty, finite), optionally with
    ``channels`` channels. Raises ``ValueError`` naming what was expected and given."""
    X = as_float_array(X, name)
    if X.ndim != 4:
        hint = (f" For one grey image use {name}.reshape(1, 1, H, W); for flattened rows "
                f"(m, H*W) use {name}.reshape(m, 1, H, W).") if X.ndim in (2, 3) else ""
        raise ValueError(f"{name} must be 4-D images with shape (m, C, H, W), the example "
                         f"first; got shape {X.shape}.{hint}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (shape {X.shape}); it needs one image.")
    if channels is not None and X.shape[1] != channels:
        raise ValueError(f"{name} has {X.shape[1]} channels (shape {X.shape}) but the filters "
                         f"expect {channels}: {name} must have shape (m, {channels}, H, W).")
    check_finite(X, name)
    return X


def check_padding(padding):
    """Raise unless ``padding`` is an int >= 0 (0 means no padding)."""
    if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)):
        raise TypeError(f"padding must be an int >= 0, got {padding!r} "
                        f"({type(padding).__name__}).")
    if padding < 0:
        raise ValueError(f"padding must be an int >= 0 (0 = none), got {padding}.")
    return int(padding)


def output_size(size, kernel, stride, padding, name="X"):
    r"""$\lfloor (n + 2p - k) / s \rfloor + 1$, after checking that the kernel fits.

    Raises ``ValueError`` if the kernel is larger than the padded input.
    """
    if kernel > size + 2 * padding:
        raise ValueError(f"the {kernel}-pixel kernel is larger than the padded input: {name} "
                         f"has {size} pixels + 2 x padding {padding} = {size + 2 * padding}. "
                         f"Use a smaller kernel or more padding.")
    return (size + 2 * padding - kernel) // stride + 1


def _check_geometry(X_shape, kh, kw, stride, padding):
    """The output size ``(H', W')`` after checking kernel size, stride and padding."""
    check_positive(kh, "kernel height", integer=True)
    check_positive(kw, "kernel width", integer=True)
    check_positive(stride, "stride", integer=True)
    check_padding(padding)
    return (output_size(X_shape[2], kh, stride, padding, "the input's height"),
            output_size(X_shape[3], kw, stride, padding, "the input's width"))


# ----------------------------------------------------------------------------- im2col


def im2col(X, kh, kw, stride=1, padding=0):
    r"""Every $k_h \times k_w$ patch of each image as one column of a matrix.

    X: ``(m, C, H, W)``. Returns ``(m, C * kh * kw, H' * W')``: for image ``i``, column
    ``y * W' + x`` holds the patch under output pixel ``(y, x)``, channel first, then kernel
    row, then kernel column: the order of the filters reshaped as ``K.reshape(F, -1)``, so
    that ``K.reshape(F, -1) @ im2col(X, ...)`` is the convolution.
    Raises ``ValueError`` for X that is not 4-D or a kernel larger than the padded input,
    ``TypeError``/``ValueError`` for a stride that is not a positive int or padding that is
    not an int >= 0.
    """
    X = check_images(X)
    _check_geometry(X.shape, kh, kw, stride, padding)
    return _im2col(X, kh, kw, stride, padding)


def _im2col(X, kh, kw, stride, padding):
    """:func:`im2col` without checks. ``sliding_window_view`` builds the patches as a view
    ``(m, C, H', W', kh, kw)`` without copying; the final reshape makes the one copy."""
    m, C = X.shape[:2]
    if padding:
        X = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(m, C * kh * kw, -1)


def col2im(cols, X_shape, kh, kw, stride=1, padding=0):
    r"""The adjoint of :func:`im2col`: add every column of ``cols`` back onto its patch.

    cols: ``(m, C * kh * kw, H' * W')``; X_shape: ``(m, C, H, W)``. Returns
    ``(m, C, H, W)``. A pixel covered by several patches receives the sum of their values,
    which makes this the backward pass of :func:`im2col`:
    $\langle \mathrm{im2col}(X), Y \rangle = \langle X, \mathrm{col2im}(Y) \rangle$.
    Padding is cut off again. Raises ``ValueError`` if ``cols`` does not have the shape
    :func:`im2col` gives for such images.
    """
    cols = as_float_array(cols, "cols")
    if len(X_shape) != 4:
        raise ValueError(f"X_shape must be (m, C, H, W), got {tuple(X_shape)}.")
    oh, ow = _check_geometry(X_shape, kh, kw, stride, padding)
    m, C = X_shape[:2]
    expected = (m, C * kh * kw, oh * ow)
    if cols.shape != expected:
        raise ValueError(f"cols must have shape (m, C * kh * kw, H' * W') = {expected} for "
                         f"images {tuple(X_shape)}, got {cols.shape}.")
    return _col2im(cols, X_shape, kh, kw, stride, padding)


def _col2im(cols, X_shape, kh, kw, stride, padding):
    """:func:`col2im` without checks: one vectorized addition per kernel position
    ``(u, v)``, so the loop runs ``kh * kw`` times and never visits single pixels."""
    m, C, H, W = X_shape
    Hp, Wp = H + 2 * padding, W + 2 * padding
    oh, ow = (Hp - kh) // stride + 1, (Wp - kw) // stride + 1
    patches = cols.reshape(m, C, kh, kw, oh, ow)
    X = np.zeros((m, C, Hp, Wp), dtype=cols.dtype)
    for u in range(kh):
        for v in range(kw):
            X[:, :, u:u + stride * oh:stride, v:v + stride * ow:stride] += patches[:, :, u, v]
    return X[:, :, padding:padding + H, padding:padding + W] if padding else X


# ----------------------------------------------------------------------------- convolution


def conv_forward(X, K, c, stride=1, padding=0):
    r"""A convolution layer: for each image, $Z_i = K_{flat}\, \mathrm{im2col}(X)_i + c$.

    X: ``(m, C, H, W)``; K: ``(F, C, kh, kw)`` filters; c: ``(F,)`` biases; stride: a
    positive int; padding: zeros added on every side (an int >= 0; ``kh // 2`` keeps an odd
    kernel's output the size of its input at stride 1). $K_{flat}$ is ``K.reshape(F, -1)``
    ``(F, C * kh * kw)``: a dense layer applied to every patch.

    Returns ``(Z, cache)``: ``Z`` ``(m, F, H', W')`` and the cache for :func:`conv_backward`.
    Raises ``ValueError`` for arrays with the wrong number of dimensions, ``c`` not ``(F,)``,
    channels of X that do not match the filters' or a kernel larger than the padded input;
    ``TypeError``/``ValueError`` for a bad stride or padding.
    """
    K = as_float_array(K, "K")
    if K.ndim != 4:
        raise ValueError(f"K must be 4-D filters (F, C, kh, kw), got shape {K.shape}.")
    c = as_float_array(c, "c")
    if c.shape != (K.shape[0],):
        raise ValueError(f"c must hold one bias per filter, shape ({K.shape[0]},); "
                         f"got {c.shape}.")
    X = check_images(X, channels=K.shape[1])
    _check_geometry(X.shape, K.shape[2], K.shape[3], stride, padding)
    return _conv_forward(X, K, c, stride, padding)


def _conv_forward(X, K, c, stride, padding):
    """:func:`conv_forward` without checks."""
    m, (F, _, kh, kw) = X.shape[0], K.shape
    cols = _im2col(X, kh, kw, stride, padding)                 # (m, C * kh * kw, H' * W')
    Z = K.reshape(F, -1) @ cols                                 # (m, F, H' * W')
    Z += c[:, None]
    oh = (X.shape[2] + 2 * padding - kh) // stride + 1
    return Z.reshape(m, F, oh, -1), (X.shape, cols, K, stride, padding)


def conv_backward(dZ, cache):
    r"""Gradients of a convolution layer, from ``dZ`` $= \partial J / \partial Z$.

    With $G_i$ = ``dZ[i]`` as a matrix ``(F, H' * W')`` and $P_i$ = im2col(X)$_i$:

    $$dK = \sum_i G_i P_i^\top, \qquad dc_f = \sum_{i, y, x} dZ[i, f, y, x], \qquad
    dX = \mathrm{col2im}\big(K_{flat}^\top G_i\big)$$

    dZ: ``(m, F, H', W')``; cache: from :func:`conv_forward`.
    Returns ``(dX, dK, dc)`` shaped like ``X`` ``(m, C, H, W)``, ``K`` ``(F, C, kh, kw)``
    and ``c`` ``(F,)``. Raises ``ValueError`` if ``dZ`` is not shaped like the forward
    output.
    """
    X_shape, cols, K, stride, padding = cache
    F, _, kh, kw = K.shape
    expected = (X_shape[0], F, *_check_geometry(X_shape, kh, kw, stride, padding))
    if np.shape(dZ) != expected:
        raise ValueError(f"dZ must have the shape of the forward output {expected}, "
                         f"got {np.shape(dZ)}.")
    return _conv_backward(as_float_array(dZ, "dZ"), cache)


def _conv_backward(dZ, cache, input_gradient=True):
    """:func:`conv_backward` without checks; ``input_gradient=False`` skips ``dX`` (returns
    None for it), which the first layer of a network never needs."""
    X_shape, cols, K, stride, padding = cache
    F, _, kh, kw = K.shape
    G = dZ.reshape(len(dZ), F, -1)                              # (m, F, H' * W')
    dK = (G @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(K.shape)
    dc = G.sum(axis=(0, 2))
    dX = None
    if input_gradient:
        dX = _col2im(K.reshape(F, -1).T @ G, X_shape, kh, kw, stride, padding)
    return dX, dK, dc


# ----------------------------------------------------------------------------- pooling


def maxpool_forward(X, size=2, stride=2):
    r"""Max pooling: the largest value of each ``size`` x ``size`` window, per channel.

    $$P[i, c, y, x] = \max_{0 \le u, v < k} X[i, c, s y + u, s x + v]$$

    X: ``(m, C, H, W)``; size: the window $k$; stride: $s$ (2 by default: windows that
    tile the image). Returns ``(P, cache)`` with ``P`` ``(m, C, H', W')``,
    $H' = \lfloor (H - k) / s \rfloor + 1$. Raises ``ValueError`` for X that is not 4-D or
    a window larger than the image, ``TypeError``/``ValueError`` for a size or stride that
    is not a positive int.
    """
    X = check_images(X)
    _check_geometry(X.shape, size, size, stride, 0)
    return _maxpool_forward(X, size, stride)


def _maxpool_forward(X, size, stride):
    """:func:`maxpool_forward` without checks: :func:`im2col` on each channel as its own
    one-channel image, then the largest entry of each column."""
    m, C, H, W = X.shape
    cols = _im2col(X.reshape(m * C, 1, H, W), size, size, stride, 0)  # (m*C, k*k, H'*W')
    argmax = cols.argmax(axis=1)                                       # (m*C, H'*W')
    P = np.take_along_axis(cols, argmax[:, None], axis=1)
    oh = (H - size) // stride + 1
    return P.reshape(m, C, oh, -1), (X.shape, argmax, size, stride)


def maxpool_backward(dP, cache):
    r"""Gradient of max pooling: each window's gradient goes to the pixel that was its
    maximum (the first one, if several tie), and nothing to the others.

    dP: ``(m, C, H', W')``; cache: from :func:`maxpool_forward`. Returns ``dX``
    ``(m, C, H, W)``. Raises ``ValueError`` if ``dP`` is not shaped like the forward output.
    """
    X_shape, argmax, size, stride = cache
    m, C, H, W = X_shape
    expected = (m, C, (H - size) // stride + 1, (W - size) // stride + 1)
    if np.shape(dP) != expected:
        raise ValueError(f"dP must have the shape of the pooled output {expected}, "
                         f"got {np.shape(dP)}.")
    return _maxpool_backward(as_float_array(dP, "dP"), cache)


def _maxpool_backward(dP, cache):
    """:func:`maxpool_backward` without checks: the gradient goes into the argmax entry of
    each column, and :func:`col2im` puts the columns back as images."""
    (m, C, H, W), argmax, size, stride = cache
    dcols = np.zeros((m * C, size * size, argmax.shape[1]), dtype=dP.dtype)
    np.put_along_axis(dcols, argmax[:, None], dP.reshape(m * C, 1, -1), axis=1)
    return _col2im(dcols, (m * C, 1, H, W), size, size, stride, 0).reshape(m, C, H, W)
