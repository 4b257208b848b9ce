r"""``ConvNet``: a small convolutional network for images (beyond the MLP).

Convolution blocks (:func:`~nnlib.conv.conv_forward` + ReLU + :func:`~nnlib.conv.maxpool_forward`)
turn an image into feature maps; these are flattened and go through the dense layers of an MLP
(:func:`~nnlib.forward.run_forward`). The backward pass runs the other way: the dense layers'
:func:`~nnlib.backprop.dense_backward` gives the gradient at the flattened maps, and the
blocks' backward pairs carry it down to the first filters. It trains with
:func:`nnlib.training.fit` like every :class:`~nnlib.network.Network`.
"""

import math

import numpy as np

from ._validation import as_float_array, check_batch, check_positive
from .activations import activation_backward, relu
from .backprop import dense_backward
from .conv import (
    _conv_backward,
    _conv_forward,
    _maxpool_backward,
    _maxpool_forward,
    check_images,
    output_size,
)
from .costs import default_cost
from .forward import default_output_activation, run_forward
from .initialization import init_scale, initialize_parameters
from .model import Model
from .network import Network


def flat_size(input_shape, channels, kernel_size):
    """The number of features after the convolution blocks: ``F * H' * W'``.

    Each block keeps the size (padding ``kernel_size // 2``, odd kernels) and halves it with
    2x2 pooling. Raises ``ValueError`` for an input too small for its poolings.
    """
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W), got {input_shape!r}.")
    for i, n in enumerate(input_shape):
        check_positive(n, f"input_shape[{i}]", integer=True)
    for i, n in enumerate(channels):
        check_positive(n, f"channels[{i}]", integer=True)
    check_positive(kernel_size, "kernel_size", integer=True)
    C, H, W = input_shape
    for _ in channels:
        H = output_size(H, kernel_size, 1, kernel_size // 2, "input_shape's height")
        W = output_size(W, kernel_size, 1, kernel_size // 2, "input_shape's width")
        if H < 2 or W < 2:
            raise ValueError(f"input_shape {tuple(input_shape)} is too small for "
                             f"{len(channels)} 2x2 poolings: use fewer channels entries.")
        H, W = (H - 2) // 2 + 1, (W - 2) // 2 + 1
    return (channels[-1] if channels else C) * H * W


class ConvNet(Network):
    r"""A small convolutional network for images.

    For each entry of ``channels``: convolution (``kernel_size`` x ``kernel_size``, padding
    ``kernel_size // 2``, which keeps the size for an odd kernel) + ReLU + 2x2 max pooling
    (halving the size). Then the maps are flattened and go through dense ReLU layers of sizes
    ``hidden`` and an output layer of ``n_classes`` units (softmax, or sigmoid for one).
    The default, for 28x28 MNIST digits:

    conv 1->16 (5x5) + ReLU + pool -> conv 16->32 (5x5) + ReLU + pool -> 1568 -> 128 -> 10.

    ``parameters``: conv block ``j`` has filters ``K{j}`` ``(F_j, C_j, k, k)`` and biases
    ``c{j}`` ``(F_j,)``; the dense layers are an MLP's ``W{l}``, ``b{l}``; gradients are
    ``dK{j}``, ``dc{j}``, ``dW{l}``, ``db{l}``. Filters and weights start with He's
    initialization. ``l2``/``l1`` in :meth:`fit` penalize filters and weights; ``dropout``
    applies to the dense hidden layers.

    input_shape: ``(C, H, W)`` of one image; :meth:`fit`, :meth:`predict` and
    :meth:`evaluate` take images ``(m, C, H, W)`` or flattened rows ``(m, C * H * W)``, such
    as :func:`nnlib.data.load_mnist` gives. seed, dtype: as for :class:`~nnlib.model.Model`.
    """

    eval_chunk = 256  # images per forward pass in predict/evaluate: bounds im2col's memory

    def __init__(self, input_shape=(1, 28, 28), channels=(16, 32), kernel_size=5,
                 hidden=(128,), n_classes=10, seed=0, dtype=np.float32):
        super().__init__(seed, dtype)
        channels = tuple(channels)
        hidden = (hidden,) if isinstance(hidden, int) else tuple(hidden)
        self.dense_sizes = (flat_size(input_shape, channels, kernel_size), *hidden, n_classes)
        self.input_shape = tuple(int(n) for n in input_shape)
        self.kernel_size = int(kernel_size)
        self.n_conv = len(channels)
        self.output_activation = default_output_activation(n_classes)
        self.cost = default_cost(n_classes)
        dense = initialize_parameters(*self.dense_sizes, method="he", rng=self.rng,
                                      dtype=self.dtype)
        filters = {}
        for j, (c_in, c_out) in enumerate(zip((input_shape[0], *channels), channels), start=1):
            shape = (c_out, c_in, kernel_size, kernel_size)
            K = self.rng.standard_normal(shape, dtype=np.float64).astype(self.dtype)
            K *= self.dtype.type(init_scale("he", c_in * kernel_size ** 2, c_out))
            filters[f"K{j}"], filters[f"c{j}"] = K, np.zeros(c_out, dtype=self.dtype)
        self.parameters = {**filters, **dense}

    @property
    def layer_sizes(self):
        """The dense part's sizes ``(n_flat, hidden..., n_classes)``."""
        return self.dense_sizes

    def __repr__(self):
        blocks = [f"Conv({self.parameters[f'K{j}'].shape[1]} -> "
                  f"{self.parameters[f'K{j}'].shape[0]}, {self.kernel_size}x{self.kernel_size}"
                  f") + ReLU + MaxPool(2)" for j in range(1, self.n_conv + 1)]
        sizes, L = self.dense_sizes, len(self.dense_sizes) - 1
        dense = [f"Dense({a} -> {b}, {'relu' if l < L else self.output_activation})"
                 for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1)]
        return (f"ConvNet of {self.input_shape} images: [{', '.join(blocks + dense)}]: "
                f"{self.n_parameters():,} {self.dtype.name} parameters")

    def _dense(self):
        """The dense layers' parameter dict ``{"W1", "b1", ...}`` (the same arrays)."""
        return {f"{name}{l}": self.parameters[f"{name}{l}"]
                for l in range(1, len(self.dense_sizes)) for name in ("W", "b")}

    # ---------------------------------------------------------------- the network interface

    def forward(self, X, training=False, dropout=0.0):
        """``(Z, A, cache)`` for checked images ``X`` ``(m, C, H, W)``: the output layer's
        logits and outputs ``(m, n_classes)``; dropout (training mode) on the dense hidden
        layers."""
        p, pad = self.parameters, self.kernel_size // 2
        blocks, A = [], X
        for j in range(1, self.n_conv + 1):
            Z, conv_cache = _conv_forward(A, p[f"K{j}"], p[f"c{j}"], 1, pad)
            R = relu(Z)
            A, pool_cache = _maxpool_forward(R, 2, 2)
            blocks.append((conv_cache, Z, R, pool_cache))
        dropout = dropout if training else 0.0
        output, dense_cache = run_forward(A.reshape(len(A), -1), self._dense(), "relu",
                                          self.output_activation, dropout,
                                          self.rng if dropout else None)
        L = len(self.dense_sizes) - 1
        return dense_cache[f"Z{L}"], output, (blocks, A.shape, dense_cache)

    def backward(self, dZ, cache):
        """Gradients ``{"dK1", "dc1", ..., "dW1", "db1", ...}`` from ``dZ`` ``(m, n_classes)``:
        the dense layers with the gradient of their input, then the blocks from the top."""
        blocks, pooled_shape, dense_cache = cache
        grads = dense_backward(self._dense(), dense_cache, dZ, input_gradient=True)
        dA = grads.pop("dA0").reshape(pooled_shape)
        for j in range(self.n_conv, 0, -1):
            conv_cache, Z, R, pool_cache = blocks[j - 1]
            dZ_j = activation_backward(_maxpool_backward(dA, pool_cache), Z, R, "relu")
            dA, grads[f"dK{j}"], grads[f"dc{j}"] = _conv_backward(dZ_j, conv_cache,
                                                                  input_gradient=j > 1)
        return grads

    def weights(self):
        """The filters ``K{j}`` and the dense weights ``W{l}``: what the penalty applies to."""
        p = self.parameters
        return {**{f"K{j}": p[f"K{j}"] for j in range(1, self.n_conv + 1)},
                **{f"W{l}": p[f"W{l}"] for l in range(1, len(self.dense_sizes))}}

    def check_X(self, X, name="X"):
        """Images ``(m, C, H, W)`` (or flattened rows) checked and in the model's dtype."""
        X = as_float_array(X, name)
        if X.ndim == 2:
            X = check_batch(X, name, n_features=math.prod(self.input_shape))
            X = X.reshape(len(X), *self.input_shape)
        X = check_images(X, name, channels=self.input_shape[0])
        if X.shape[1:] != self.input_shape:
            raise ValueError(f"{name} holds images of shape {X.shape[1:]} but this ConvNet "
                             f"was built for input_shape={self.input_shape}.")
        return X.astype(self.dtype, copy=False)

    def config(self):
        """The constructor arguments that rebuild this architecture (for :meth:`save`)."""
        p = self.parameters
        return {"input_shape": list(self.input_shape),
                "channels": [p[f"K{j}"].shape[0] for j in range(1, self.n_conv + 1)],
                "kernel_size": self.kernel_size, "hidden": list(self.dense_sizes[1:-1]),
                "n_classes": self.dense_sizes[-1], "dtype": self.dtype.name}

    @classmethod
    def parameter_shapes(cls, config):
        """The shape of every parameter for a :meth:`config`, without allocating."""
        input_shape, channels = list(config["input_shape"]), list(config["channels"])
        k, hidden = config["kernel_size"], list(config["hidden"])
        shapes = {}
        for j, (c_in, c_out) in enumerate(zip((input_shape[0], *channels), channels), start=1):
            shapes[f"K{j}"], shapes[f"c{j}"] = (c_out, c_in, k, k), (c_out,)
        dense = [flat_size(input_shape, channels, k), *hidden, config["n_classes"]]
        return {**shapes, **Model.parameter_shapes({"layer_sizes": dense})}
