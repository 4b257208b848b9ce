r"""The forward pass (lesson 03): a batch flows through the network as matrix products.

For layer $l = 1, \dots, L$, with $A_0 = X$ (rows are examples):

$$Z_l = A_{l-1} W_l + b_l, \qquad A_l = g_l(Z_l)$$

Shapes: $A_{l-1}$ is $(m, n_{l-1})$, $W_l$ is $(n_{l-1}, n_l)$, $b_l$ is $(n_l,)$ (broadcast over
the $m$ rows), so $Z_l$ and $A_l$ are $(m, n_l)$. Hidden layers use ``hidden_activation``
(ReLU by default); the output layer uses sigmoid for one output unit and softmax for several,
unless ``output_activation`` says otherwise.
"""

import numpy as np

from ._validation import as_float_array, check_batch, check_choice
from .activations import ACTIVATIONS, get_activation
from .initialization import as_generator, count_layers
from .regularization import dropout_mask

HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")


def check_parameters(parameters):
    """Check that a parameter dict's shapes chain together and return its number of layers
    $L$. Raises ``TypeError`` for something that is not such a dict and ``ValueError`` for
    a missing or misshapen ``W{l}``/``b{l}``."""
    if not isinstance(parameters, dict) or "W1" not in parameters:
        raise TypeError(
            "parameters must be a dict {'W1': ..., 'b1': ..., ...} as made by "
            f"initialize_parameters; got {type(parameters).__name__}."
        )
    L = count_layers(parameters)
    for l in range(1, L + 1):
        W, b = parameters.get(f"W{l}"), parameters.get(f"b{l}")
        if W is None or b is None:
            raise ValueError(f"parameters has {L} weight matrices but no W{l} or b{l}.")
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(
                f"W{l} must be 2-D (n_{l - 1}, n_{l}) and b{l} of shape (n_{l},); "
                f"got W{l} {W.shape} and b{l} {b.shape}."
            )
        if l > 1 and W.shape[0] != parameters[f"W{l - 1}"].shape[1]:
            raise ValueError(
                f"W{l} has {W.shape[0]} rows but layer {l - 1} has "
                f"{parameters[f'W{l - 1}'].shape[1]} units."
            )
    return L


def default_output_activation(n_out):
    """Sigmoid for a single output unit, softmax for several."""
    return "sigmoid" if n_out == 1 else "softmax"


def layer_forward(A_prev, W, b, activation):
    r"""One layer: $Z = A_{prev} W + b$, $A = g(Z)$.

    ``A_prev``: ``(m, n_in)``, ``W``: ``(n_in, n_out)``, ``b``: ``(n_out,)``.
    Returns ``(Z, A)``, both ``(m, n_out)``.
    """
    Z = A_prev @ W
    Z += b
    return Z, get_activation(activation).function(Z)


def run_forward(X, parameters, hidden_activation, output_activation, dropout=0.0, rng=None):
    """The forward pass without input checks (used by :func:`forward_propagation` and
    ``Model`` on each mini-batch). Returns ``(A_L, cache)``."""
    L = count_layers(parameters)
    cache = {"A0": X, "activations": (hidden_activation, output_activation)}
    A = X
    for l in range(1, L + 1):
        activation = hidden_activation if l < L else output_activation
        Z, A = layer_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        if dropout and l < L:
            D = dropout_mask(A.shape, dropout, rng, A.dtype)
            A *= D
            cache[f"D{l}"] = D
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def forward_propagation(X, parameters, hidden_activation="relu", output_activation=None,
                        dropout=0.0, rng=None):
    r"""Run a batch through the network.

    X: ``(m, n_0)``, rows are examples. parameters: ``{"W1": (n_0, n_1), "b1": (n_1,), ...}``.
    hidden_activation: name of the hidden layers' activation (default ``"relu"``).
    output_activation: default ``"sigmoid"`` for one output unit, ``"softmax"`` for several.
    dropout: probability of dropping each hidden unit (inverted dropout; 0 = off), with ``rng``
    an int seed or ``numpy.random.Generator`` for the masks.

    Returns ``(output, cache)``: ``output`` is $A_L$ ``(m, n_L)``; ``cache`` holds ``A0`` (= X),
    ``Z{l}``, ``A{l}`` (and dropout masks ``D{l}``) for backpropagation, plus the activation
    names. Raises ``ValueError`` if X's width does not match ``W1``, X is empty or holds
    NaN/inf, or an activation name is unknown.
    """
    L = check_parameters(parameters)
    X = check_batch(X, "X", n_features=parameters["W1"].shape[0])
    if X.dtype != parameters["W1"].dtype and X.dtype.itemsize < parameters["W1"].dtype.itemsize:
        X = X.astype(parameters["W1"].dtype)
    check_choice(hidden_activation, "hidden_activation", HIDDEN_ACTIVATIONS)
    if output_activation is None:
        output_activation = default_output_activation(parameters[f"W{L}"].shape[1])
    check_choice(output_activation, "output_activation", ACTIVATIONS)
    dropout = float(as_float_array(dropout, "dropout"))
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout}.")
    rng = as_generator(rng) if dropout else None
    return run_forward(X, parameters, hidden_activation, output_activation, dropout, rng)


def predict_proba(X, parameters, hidden_activation="relu", output_activation=None):
    """The network's outputs for ``X`` ``(m, n_0)``: ``(m, n_L)`` (no dropout)."""
    return forward_propagation(X, parameters, hidden_activation, output_activation)[0]


def predict(X, parameters, hidden_activation="relu", output_activation=None):
    """Predicted labels ``(m,)``: the most probable class, or ``output > 0.5`` for one unit."""
    A = predict_proba(X, parameters, hidden_activation, output_activation)
    return (A[:, 0] > 0.5).astype(np.int64) if A.shape[1] == 1 else A.argmax(axis=1)
