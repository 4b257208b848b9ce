r"""Backpropagation and gradient descent (lesson 05).

Going backwards from the cost, the chain rule gives for each layer $l = L, \dots, 1$:

$$dZ_l = dA_l \odot g_l'(Z_l), \quad dW_l = A_{l-1}^\top dZ_l,
\quad db_l = \textstyle\sum_i dZ_l[i], \quad dA_{l-1} = dZ_l W_l^\top$$

where $dX$ means $\partial J / \partial X$ and the $1/m$ of the average cost is already in
$dA_L$. Two output/cost pairs have a famous shortcut, used here: sigmoid with binary
cross-entropy and softmax with categorical cross-entropy both give $dZ_L = (A_L - Y) / m$.
"""

from ._validation import check_positive
from .activations import activation_backward
from .costs import LOGIT_COSTS, default_cost, get_cost, prepare_targets
from .forward import check_parameters
from .initialization import count_layers
from .regularization import add_penalty_gradient

FUSED = set(LOGIT_COSTS)  # (output activation, cost) pairs whose dZ_L is (A_L - Y) / m


def output_gradient(A, Z, Y, output_activation, cost):
    r"""$dZ_L$ for the output layer. ``A``, ``Z``, ``Y``: ``(m, n_L)``; ``cost`` a name."""
    if (output_activation, cost) in FUSED:
        dZ = A - Y
        dZ /= A.dtype.type(A.shape[0])
        return dZ
    return activation_backward(get_cost(cost).gradient(A, Y), Z, A, output_activation)


def run_backward(parameters, cache, Y, cost, l2=0.0, l1=0.0, input_gradient=False):
    """Backpropagation without input checks (used by :func:`backward_propagation`).
    ``Y`` must already match the output's shape. Returns the gradient dict (see
    :func:`dense_backward`)."""
    L = count_layers(parameters)
    output_activation = cache["activations"][1]
    dZ = output_gradient(cache[f"A{L}"], cache[f"Z{L}"], Y, output_activation, cost)
    return dense_backward(parameters, cache, dZ, l2, l1, input_gradient)


def dense_backward(parameters, cache, dZ, l2=0.0, l1=0.0, input_gradient=False):
    r"""The backward pass of the dense layers from $dZ_L$ ``(m, n_L)``, the gradient at the
    output layer's logits: the gradient dict ``{"dW1": (n_0, n_1), "db1": (n_1,), ...}``.

    ``cache``: from :func:`~nnlib.forward.run_forward`; dropout masks ``D{l}`` in it are
    applied to the gradients too. With ``input_gradient`` the dict also holds ``"dA0"``
    ``(m, n_0)``, the gradient with respect to the network's input (what a layer below, such
    as a convolution or a recurrent layer, needs).
    """
    L = count_layers(parameters)
    hidden_activation = cache["activations"][0]
    grads = {}
    for l in range(L, 0, -1):
        W = parameters[f"W{l}"]
        grads[f"dW{l}"] = add_penalty_gradient(cache[f"A{l - 1}"].T @ dZ, W, l2, l1)
        grads[f"db{l}"] = dZ.sum(axis=0)
        if l == 1 and input_gradient:
            grads["dA0"] = dZ @ W.T
        if l > 1:
            dA = dZ @ W.T
            if f"D{l - 1}" in cache:
                dA *= cache[f"D{l - 1}"]
            dZ = activation_backward(dA, cache[f"Z{l - 1}"], cache[f"A{l - 1}"], hidden_activation)
    return grads


def backward_propagation(parameters, cache, X, Y, cost=None, l2=0.0, l1=0.0):
    r"""Gradients of the cost with respect to every parameter.

    parameters: ``{"W1", "b1", ...}``; cache: from :func:`forward_propagation` on ``X``
    (it remembers the activations used). X: ``(m, n_0)``.
    Y: targets, one-hot ``(m, n_L)``, labels ``(m,)``, or 0/1 ``(m,)``/``(m, 1)`` for one unit.
    cost: ``"binary_cross_entropy"`` (default for one unit), ``"categorical_cross_entropy"``
    (default for several) or ``"mse"``. l2, l1: weight-penalty strengths (0 = off).

    Returns ``{"dW1": (n_0, n_1), "db1": (n_1,), ...}``, each shaped like its parameter.
    Raises ``ValueError`` if the cache does not belong to X, Y has the wrong shape or labels
    out of range, or the cost is unknown.
    """
    L = check_parameters(parameters)
    if not isinstance(cache, dict) or f"A{L}" not in cache or "activations" not in cache:
        raise ValueError("cache must be the second value returned by forward_propagation.")
    A0 = cache["A0"]
    if getattr(X, "shape", None) != A0.shape:
        raise ValueError(
            f"X has shape {getattr(X, 'shape', None)} but the cache came from a forward pass "
            f"on shape {A0.shape}: pass the same X to both."
        )
    A = cache[f"A{L}"]
    cost = get_cost(default_cost(A.shape[1]) if cost is None else cost).name
    return run_backward(parameters, cache, prepare_targets(Y, A), cost, l2, l1)


def update_parameters(parameters, grads, learning_rate):
    r"""One step of gradient descent, in place: $W_l \leftarrow W_l - \alpha\, dW_l$,
    $b_l \leftarrow b_l - \alpha\, db_l$. Returns ``parameters``.

    Raises ``ValueError`` for a learning rate $\le 0$ and ``KeyError`` for a missing gradient.
    """
    check_positive(learning_rate, "learning_rate")
    for key, value in parameters.items():
        if f"d{key}" not in grads:
            raise KeyError(f"grads has no 'd{key}': pass the dict from backward_propagation.")
        value -= value.dtype.type(learning_rate) * grads[f"d{key}"]
    return parameters
