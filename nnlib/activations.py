r"""Activation functions and their derivatives (lesson 02).

Each function works element-wise on an array ``Z`` of any shape, except softmax, which works
on each row of ``Z`` with shape ``(m, n)`` (rows are examples). Floating input keeps its dtype;
integer input becomes float32.

| name         | $g(z)$                                   | $g'(z)$                         |
|--------------|------------------------------------------|---------------------------------|
| sigmoid      | $\sigma(z) = 1 / (1 + e^{-z})$           | $\sigma(z)\,(1 - \sigma(z))$    |
| tanh         | $\tanh z$                                | $1 - \tanh^2 z$                 |
| relu         | $\max(0, z)$                             | $1$ if $z > 0$ else $0$         |
| leaky_relu   | $z$ if $z > 0$ else $\alpha z$           | $1$ if $z > 0$ else $\alpha$    |
| linear       | $z$                                      | $1$                             |
| softmax      | $e^{z_k} / \sum_j e^{z_j}$ (per row)     | $s_k(\delta_{kj} - s_j)$        |

Sigmoid and softmax use the stable forms, so inputs of $\pm 10^4$ give exact results with
no overflow and no warning.
"""

from collections import namedtuple

import numpy as np

from ._validation import as_float_array, check_choice

LEAKY_RELU_ALPHA = 0.01


def sigmoid(Z):
    r"""$\sigma(z) = 1 / (1 + e^{-z})$, computed without overflow.

    For $z \ge 0$ use $1 / (1 + e^{-z})$; for $z < 0$ the equal form $e^{z} / (1 + e^{z})$.
    Either way the exponent is $-|z| \le 0$, so ``exp`` never overflows.
    """
    Z = as_float_array(Z, "Z")
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def sigmoid_derivative(Z):
    r"""$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$."""
    S = sigmoid(Z)
    return S * (1 - S)


def tanh(Z):
    r"""$\tanh z = (e^{z} - e^{-z}) / (e^{z} + e^{-z})$."""
    return np.tanh(as_float_array(Z, "Z"))


def tanh_derivative(Z):
    r"""$\tanh'(z) = 1 - \tanh^2 z$."""
    T = tanh(Z)
    return 1 - T * T


def relu(Z):
    r"""$\mathrm{relu}(z) = \max(0, z)$."""
    return np.maximum(as_float_array(Z, "Z"), 0)


def relu_derivative(Z):
    r"""$1$ where $z > 0$, else $0$ (we take the derivative at $0$ to be $0$)."""
    Z = as_float_array(Z, "Z")
    return (Z > 0).astype(Z.dtype)


def leaky_relu(Z, alpha=LEAKY_RELU_ALPHA):
    r"""$z$ where $z > 0$, else $\alpha z$ (a small slope keeps negative units learning)."""
    Z = as_float_array(Z, "Z")
    return np.where(Z > 0, Z, Z * Z.dtype.type(alpha))


def leaky_relu_derivative(Z, alpha=LEAKY_RELU_ALPHA):
    r"""$1$ where $z > 0$, else $\alpha$."""
    Z = as_float_array(Z, "Z")
    return np.where(Z > 0, Z.dtype.type(1), Z.dtype.type(alpha))


def linear(Z):
    r"""The identity $g(z) = z$ (an output layer for regression)."""
    return as_float_array(Z, "Z")


def linear_derivative(Z):
    r"""$g'(z) = 1$."""
    return np.ones_like(as_float_array(Z, "Z"))


def softmax(Z):
    r"""Row-wise $\mathrm{softmax}(z)_k = e^{z_k - \max_j z_j} / \sum_i e^{z_i - \max_j z_j}$.

    Subtracting each row's maximum changes nothing mathematically and keeps every exponent
    $\le 0$, so nothing overflows. ``Z``: ``(m, n)``; returns ``(m, n)``, rows summing to 1.
    A 1-D ``Z`` is treated as a single row.
    """
    Z = as_float_array(Z, "Z")
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    E /= E.sum(axis=-1, keepdims=True)
    return E


def softmax_derivative(Z):
    r"""The Jacobian of softmax for each row: $J_{kj} = s_k(\delta_{kj} - s_j)$.

    ``Z``: ``(m, n)``; returns ``(m, n, n)``. Backpropagation never builds this matrix: see
    :func:`softmax_backward`, which multiplies by it directly.
    """
    S = softmax(np.atleast_2d(Z))
    return S[:, :, None] * (np.eye(S.shape[1], dtype=S.dtype) - S[:, None, :])


def softmax_backward(dA, A):
    r"""Multiply the upstream gradient by softmax's Jacobian, row by row.

    $dZ_k = s_k \,(dA_k - \sum_j dA_j\, s_j)$. ``dA``, ``A`` (the softmax output): ``(m, n)``.
    """
    return A * (dA - (dA * A).sum(axis=1, keepdims=True))


Activation = namedtuple("Activation", ["name", "function", "derivative"])

ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative),
    "tanh": Activation("tanh", tanh, tanh_derivative),
    "relu": Activation("relu", relu, relu_derivative),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
    "linear": Activation("linear", linear, linear_derivative),
    "softmax": Activation("softmax", softmax, softmax_derivative),
}


def get_activation(name):
    """Look an activation up by name: returns ``Activation(name, function, derivative)``."""
    if isinstance(name, Activation):
        return name
    return ACTIVATIONS[check_choice(name, "activation", ACTIVATIONS)]


def activation_backward(dA, Z, A, name):
    r"""Gradient of the cost with respect to ``Z`` given the gradient ``dA`` at ``A = g(Z)``.

    Element-wise activations: $dZ = dA \odot g'(Z)$. Softmax: :func:`softmax_backward`.
    ``dA``, ``Z``, ``A``: ``(m, n)``; returns ``(m, n)``.
    """
    if name == "softmax":
        return softmax_backward(dA, A)
    if name == "relu":
        return dA * (Z > 0)
    return dA * get_activation(name).derivative(Z)
