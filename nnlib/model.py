r"""``Model``: a multilayer perceptron (lesson 07).

Everything a model does is made of the functions of the earlier lessons: its weights are the
parameter dict of :func:`~nnlib.initialization.initialize_parameters`, its forward pass is
:func:`~nnlib.forward.run_forward` and its backward pass :func:`~nnlib.backprop.dense_backward`.
It trains with :func:`nnlib.training.fit` and is saved by :mod:`nnlib.persistence`, like every
:class:`~nnlib.network.Network`.

>>> model = Model([784, 128, 10])
>>> history = model.fit(X_train, y_train, epochs=5, validation_data=(X_val, y_val))
>>> model.evaluate(X_test, y_test)
{'loss': 0.08..., 'accuracy': 0.97...}
"""

import numbers

import numpy as np

from ._validation import check_batch, check_choice, check_positive
from .activations import ACTIVATIONS
from .backprop import dense_backward
from .costs import default_cost, get_cost
from .forward import HIDDEN_ACTIVATIONS, default_output_activation, run_forward
from .initialization import count_layers, initialize_parameters, layer_sizes_of
from .network import Network
from .persistence import ModelFileError  # noqa: F401  (re-exported: saved models' errors)
from .training import TrainingDivergedError  # noqa: F401  (re-exported: lesson 08 imports it)


class Model(Network):
    r"""A fully connected network $n_0 \to n_1 \to \dots \to n_L$, e.g. $784 \to 128 \to 10$.

    layer_sizes: ``(n_0, n_1, ..., n_L)``, e.g. ``[784, 128, 10]``.
    hidden_activation: ``"relu"`` (default), ``"leaky_relu"``, ``"tanh"``, ``"sigmoid"``...
    output_activation: default softmax for several outputs, sigmoid for one.
    init: ``"he"`` (default), ``"xavier"``, ``"small"``... (see :mod:`nnlib.initialization`).
    cost: default categorical cross-entropy for several outputs, binary for one.
    seed: int seed (or ``numpy.random.Generator``) for the weights, the shuffling and dropout.
    dtype: ``np.float32`` (default) or ``np.float64``.

    ``parameters`` is the functional API's dict ``{"W1", "b1", ...}``; the other attributes
    and methods (:meth:`fit`, :meth:`evaluate`, :meth:`save`...) are :class:`Network`'s.
    """

    def __init__(self, layer_sizes, hidden_activation="relu", output_activation=None,
                 init="he", cost=None, seed=0, dtype=np.float32):
        super().__init__(seed, dtype)
        if isinstance(layer_sizes, (int, np.integer)):
            raise TypeError(f"layer_sizes must be a list such as [784, 128, 10], "
                            f"got {layer_sizes!r}.")
        self.parameters = initialize_parameters(*layer_sizes, method=init, rng=self.rng,
                                                dtype=self.dtype)
        n_out = self.layer_sizes[-1]
        self.hidden_activation = check_choice(hidden_activation, "hidden_activation",
                                              HIDDEN_ACTIVATIONS)
        self.output_activation = check_choice(
            output_activation or default_output_activation(n_out), "output_activation",
            ACTIVATIONS)
        self.cost = get_cost(cost or default_cost(n_out)).name
        self.init = init

    @property
    def n_layers(self):
        """$L$, the number of layers (weight matrices)."""
        return count_layers(self.parameters)

    @property
    def layer_sizes(self):
        """``(n_0, n_1, ..., n_L)``, read from the parameters."""
        return layer_sizes_of(self.parameters)

    def __repr__(self):
        sizes = self.layer_sizes
        layers = ", ".join(
            f"Dense({n_in} -> {n_out}, "
            f"{self.hidden_activation if l < self.n_layers else self.output_activation})"
            for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1))
        return f"Model of [{layers}]: {self.n_parameters():,} {self.dtype.name} parameters"

    # ---------------------------------------------------------------- the network interface

    def forward(self, X, training=False, dropout=0.0):
        """``(Z_L, A_L, cache)`` for a checked batch ``X`` ``(m, n_0)``: the logits and
        outputs ``(m, n_L)`` and :func:`~nnlib.forward.run_forward`'s cache. In training mode
        hidden units are dropped with probability ``dropout`` (masks from ``self.rng``)."""
        dropout = dropout if training else 0.0
        A, cache = run_forward(X, self.parameters, self.hidden_activation,
                               self.output_activation, dropout, self.rng if dropout else None)
        return cache[f"Z{self.n_layers}"], A, cache

    def backward(self, dZ, cache):
        """The gradients ``{"dW1", "db1", ...}`` from ``dZ`` ``(m, n_L)`` at the output
        logits: :func:`~nnlib.backprop.dense_backward` (dropout masks included)."""
        return dense_backward(self.parameters, cache, dZ)

    def weights(self):
        """``{"W1": ..., "W2": ..., ...}``: the penalized parameters (not the biases)."""
        return {f"W{l}": self.parameters[f"W{l}"] for l in range(1, self.n_layers + 1)}

    def check_X(self, X, name="X"):
        """``X`` checked against the first layer and converted to the model's dtype (no copy
        if it already has it)."""
        X = check_batch(X, name, n_features=self.layer_sizes[0])
        return X.astype(self.dtype, copy=False)

    def config(self):
        """The constructor arguments that rebuild this architecture (what :meth:`save`
        stores beside the weights)."""
        return {"layer_sizes": [int(n) for n in self.layer_sizes],
                "hidden_activation": self.hidden_activation,
                "output_activation": self.output_activation, "cost": self.cost,
                "init": str(self.init), "dtype": self.dtype.name}

    @classmethod
    def parameter_shapes(cls, config):
        """``{"W1": (n_0, n_1), "b1": (n_1,), ...}`` for a :meth:`config`, without allocating.
        Raises ``TypeError``/``ValueError`` for layer sizes that are not positive ints."""
        sizes = config["layer_sizes"]
        if not isinstance(sizes, list) or len(sizes) < 2:
            raise ValueError(f"layer_sizes must be a list of at least 2 sizes, got {sizes!r}.")
        for i, n in enumerate(sizes):
            if not isinstance(n, numbers.Integral):
                raise TypeError(f"layer size {i} must be an int, got {n!r}.")
            check_positive(n, f"layer size {i}", integer=True)
        shapes = {}
        for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            shapes[f"W{l}"], shapes[f"b{l}"] = (n_in, n_out), (n_out,)
        return shapes
