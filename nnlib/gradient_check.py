r"""Gradient checking (lesson 05): compare backpropagation with finite differences.

For each parameter $\theta_i$, the centred difference

$$\frac{\partial J}{\partial \theta_i} \approx \frac{J(\theta_i + \varepsilon) -
J(\theta_i - \varepsilon)}{2 \varepsilon}$$

has an error of order $\varepsilon^2$. The check reports the relative error
$\lVert g - \tilde g \rVert / (\lVert g \rVert + \lVert \tilde g \rVert)$ between the
backpropagated gradient $g$ and the numerical one $\tilde g$: below about $10^{-7}$ in float64
means the backward pass is right. Everything is computed in float64.
"""

import numpy as np

from .backprop import run_backward
from .costs import default_cost, get_cost, prepare_targets
from .forward import check_parameters, default_output_activation, run_forward
from .regularization import weight_penalty


def numerical_gradient(f, x, epsilon=1e-6):
    r"""Centred differences $(f(x + \varepsilon e_i) - f(x - \varepsilon e_i)) / 2\varepsilon$
    for every entry $i$ of the float64 array ``x``, where ``f()`` is a scalar function that
    reads ``x`` (each entry is changed in place, then restored, even if ``f`` raises).
    Returns an array shaped like ``x``.

    Raises ``TypeError`` unless ``x`` is a float64 NumPy array: in float32 the difference
    $f(x + \varepsilon) - f(x - \varepsilon)$ keeps only a few correct digits, which makes even
    a correct gradient look wrong. Check a float64 copy of the network instead.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        dtype = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(
            f"numerical_gradient needs a float64 NumPy array (it changes x in place and "
            f"differences in float64), got {dtype}. In float32 the finite differences are "
            f"too coarse to check a gradient: build the network with dtype=np.float64, e.g. "
            f"Model(..., dtype=np.float64), and check that.")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + epsilon
            plus = f()
            x[i] = old - epsilon
            minus = f()
        finally:
            x[i] = old
        grad[i] = (plus - minus) / (2 * epsilon)
    return grad


def numerical_gradients(parameters, X, Y, hidden_activation="relu", output_activation=None,
                        cost=None, epsilon=1e-6, l2=0.0, l1=0.0):
    """Centred finite-difference gradients ``{"dW1": ..., "db1": ...}`` in float64."""
    params = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    X = np.asarray(X, dtype=np.float64)
    L = check_parameters(params)
    output_activation = output_activation or default_output_activation(params[f"W{L}"].shape[1])
    A, _ = run_forward(X, params, hidden_activation, output_activation)
    Y = prepare_targets(Y, A)
    cost_fn = get_cost(cost or default_cost(A.shape[1])).function

    def J():
        A, _ = run_forward(X, params, hidden_activation, output_activation)
        return cost_fn(A, Y) + weight_penalty(params, l2, l1)

    return {f"d{key}": numerical_gradient(J, theta, epsilon) for key, theta in params.items()}


def relative_error(a, b):
    r"""$\lVert a - b \rVert / (\lVert a \rVert + \lVert b \rVert)$ (0 when both are 0)."""
    a, b = np.ravel(a), np.ravel(b)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def gradient_check(parameters, X, Y, hidden_activation="relu", output_activation=None,
                   cost=None, epsilon=1e-6, l2=0.0, l1=0.0):
    """Relative error between backpropagation's and finite differences' gradients (float64).

    Takes the same arguments as the forward and backward passes; use a small network and a
    handful of examples, since every parameter costs two forward passes.
    Returns a float: below ~1e-7 is right, above ~1e-4 means a bug.
    """
    params = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    X = np.asarray(X, dtype=np.float64)
    L = check_parameters(params)
    output_activation = output_activation or default_output_activation(params[f"W{L}"].shape[1])
    A, cache = run_forward(X, params, hidden_activation, output_activation)
    cost_name = get_cost(cost or default_cost(A.shape[1])).name
    analytic = run_backward(params, cache, prepare_targets(Y, A), cost_name, l2, l1)
    numeric = numerical_gradients(params, X, Y, hidden_activation, output_activation,
                                  cost_name, epsilon, l2, l1)
    keys = sorted(analytic)
    return relative_error(np.concatenate([analytic[k].ravel() for k in keys]),
                          np.concatenate([numeric[k].ravel() for k in keys]))


def check_backward(backward, parameters, X, Y, hidden_activation="relu", epsilon=1e-6):
    """Relative error between the gradients of any backward function and finite differences.

    ``backward(parameters, cache, X, Y)`` has the signature of
    :func:`~nnlib.backprop.backward_propagation` (lesson 05's exercise writes both); it is
    called once, on float64 copies, with the cache of :func:`~nnlib.forward.forward_propagation`.
    Y: targets shaped like the output. Returns a float: below ~1e-7 is right.
    """
    params = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    L = check_parameters(params)
    output_activation = default_output_activation(params[f"W{L}"].shape[1])
    _, cache = run_forward(X, params, hidden_activation, output_activation)
    cache["activations"] = (hidden_activation, output_activation)
    analytic = backward(params, cache, X, Y)
    numeric = numerical_gradients(params, X, Y, hidden_activation, output_activation,
                                  epsilon=epsilon)
    keys = sorted(numeric)
    return relative_error(np.concatenate([np.ravel(analytic[k]) for k in keys]),
                          np.concatenate([numeric[k].ravel() for k in keys]))
