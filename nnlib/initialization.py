r"""Initializing a network's weights (lessons 03 and 06).

Layer $l$ has weights ``W{l}`` of shape $(n_{l-1}, n_l)$ and biases ``b{l}`` of shape $(n_l,)$;
biases start at 0. The weights are drawn from a normal distribution whose standard deviation
depends on the method:

| method   | standard deviation                    | for                         |
|----------|---------------------------------------|-----------------------------|
| zeros    | $0$ (every unit the same: symmetry!)  | showing why not             |
| small    | $0.01$                                | the classic ``* 0.01``      |
| xavier   | $\sqrt{2 / (n_{l-1} + n_l)}$          | sigmoid, tanh (Glorot 2010) |
| he       | $\sqrt{2 / n_{l-1}}$                  | ReLU (He et al. 2015)       |
| normal   | ``scale`` (you choose it)             | experiments                 |
"""

import numbers

import numpy as np

from ._validation import check_choice, check_positive

INIT_METHODS = ("zeros", "small", "xavier", "he", "normal")


def as_generator(rng):
    """A ``numpy.random.Generator`` from a seed (int), a Generator, or ``None`` (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be an int seed, a numpy.random.Generator or None; got {type(rng).__name__}."
    )


def init_scale(method, n_in, n_out, scale=None):
    """The standard deviation that ``method`` uses for a layer with ``n_in`` inputs and
    ``n_out`` units."""
    check_choice(method, "init method", INIT_METHODS)
    if method == "normal":
        if scale is None:
            raise ValueError("method='normal' needs a scale, e.g. scale=0.1.")
        return float(scale)
    return {"zeros": 0.0, "small": 0.01, "xavier": np.sqrt(2 / (n_in + n_out)),
            "he": np.sqrt(2 / n_in)}[method]


def initialize_parameters(*layer_sizes, method="he", rng=None, scale=None, dtype=np.float32):
    r"""Create ``{"W1", "b1", ..., "WL", "bL"}`` for a network with the given layer sizes.

    ``initialize_parameters(784, 128, 10)``: 784 inputs, a hidden layer of 128, 10 outputs.
    A single list or tuple works too: ``initialize_parameters([784, 128, 10])``.

    method: ``"zeros"``, ``"small"``, ``"xavier"``, ``"he"`` or ``"normal"`` (with ``scale``).
    rng: an int seed or a ``numpy.random.Generator``, for reproducible weights.
    dtype: float32 by default; float64 for gradient checks.

    Returns ``W{l}`` of shape $(n_{l-1}, n_l)$ and ``b{l}`` of shape $(n_l,)$ for each layer.
    Raises ``ValueError`` for fewer than two sizes, a size that is not a positive integer,
    or an unknown method.
    """
    if len(layer_sizes) == 1 and isinstance(layer_sizes[0], (list, tuple)):
        layer_sizes = tuple(layer_sizes[0])
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer sizes need at least an input and an output size, e.g. (784, 10); "
            f"got {layer_sizes}."
        )
    for i, n in enumerate(layer_sizes):
        if isinstance(n, numbers.Integral) and not isinstance(n, bool) and n <= 0:
            raise ValueError(f"layer size {i} must be a positive integer, got {n}.")
        check_positive(n, f"layer size {i}", integer=True)
    check_choice(method, "init method", INIT_METHODS)
    rng = as_generator(rng)
    parameters = {}
    for l, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        std = init_scale(method, n_in, n_out, scale)
        W = rng.standard_normal((n_in, n_out), dtype=np.float64).astype(dtype)
        W *= W.dtype.type(std)
        parameters[f"W{l}"] = W
        parameters[f"b{l}"] = np.zeros(n_out, dtype=dtype)
    return parameters


def count_layers(parameters):
    """The number of layers $L$ of a parameter dict ``{"W1", "b1", ..., "WL", "bL"}``: its
    number of weight matrices. Every part of nnlib counts layers with this function."""
    return sum(1 for key in parameters if key.startswith("W"))


def layer_sizes_of(parameters):
    """The layer sizes ``(n_0, n_1, ..., n_L)`` of a parameter dict ``{"W1", "b1", ...}``."""
    return (parameters["W1"].shape[0],) + tuple(
        parameters[f"W{l}"].shape[1] for l in range(1, count_layers(parameters) + 1)
    )


def count_parameters(layer_sizes):
    r"""How many numbers a network with layer sizes ``[n_0, ..., n_L]`` learns:
    $\sum_{l=1}^{L} (n_{l-1} n_l + n_l)$, the entries of every ``W{l}`` and ``b{l}``."""
    sizes = [int(n) for n in layer_sizes]
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
