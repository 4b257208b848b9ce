r"""One artificial neuron (lesson 01): a weighted sum of the inputs, then an activation.

$$z = x \cdot w + b, \qquad a = g(z)$$
"""

import numpy as np

from ._validation import as_float_array, check_finite
from .activations import get_activation


class Neuron:
    """A single neuron with ``n`` inputs.

    weights: ``(n,)``; bias: a number; activation: a name from :mod:`nnlib.activations`
    (default ``"sigmoid"``). Weights are stored as float32 unless given as float64.
    """

    def __init__(self, weights, bias=0.0, activation="sigmoid"):
        w = as_float_array(weights, "weights")
        if w.ndim != 1 or w.size == 0:
            raise ValueError(f"weights must be 1-D with shape (n,), n >= 1; got {w.shape}.")
        check_finite(w, "weights")
        self.weights = w
        self.bias = w.dtype.type(bias)
        self.activation = get_activation(activation).name
        if self.activation == "softmax":
            raise ValueError("a single neuron cannot use softmax (it needs a layer of units); "
                             "use 'sigmoid', 'tanh', 'relu', 'leaky_relu' or 'linear'.")

    def forward(self, x):
        r"""The neuron's output $g(x \cdot w + b)$.

        x: one example ``(n,)`` (returns a number) or a batch ``(m, n)`` (returns ``(m,)``).
        """
        x = as_float_array(x, "x")
        if x.ndim not in (1, 2) or x.shape[-1] != self.weights.size:
            raise ValueError(
                f"x must have shape ({self.weights.size},) or (m, {self.weights.size}); "
                f"got {x.shape}."
            )
        check_finite(x, "x")
        z = x @ self.weights + self.bias
        return get_activation(self.activation).function(z)

    __call__ = forward

    def __repr__(self):
        return (f"Neuron(n_inputs={self.weights.size}, activation={self.activation!r}, "
                f"weights={np.round(self.weights, 3).tolist()}, bias={float(self.bias):.3f})")
