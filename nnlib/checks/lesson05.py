r"""Checks for lesson 05, backpropagation: ``relu_backward`` and ``backward_two_layer``.

The expected answers come from :mod:`nnlib.activations` and :mod:`nnlib.backprop`, computed
in float64 so that nothing is rounded to float32 on the way.
"""

import numpy as np

from ..activations import activation_backward, relu
from ..backprop import backward_propagation
from ..forward import forward_propagation
from .core import Case, run_check


def expected_relu_backward(dA, Z):
    """What ``nnlib.activations.activation_backward(dA, Z, relu(Z), "relu")`` gives."""
    return activation_backward(dA, Z, relu(Z), "relu")


def check_relu_backward(relu_backward):
    r"""Check the learner's ``relu_backward(dA, Z)``: $dZ = dA \odot \mathrm{relu}'(Z)$.

    dA, Z: ``(m, n)``; the answer is ``dZ`` ``(m, n)``, with $\mathrm{relu}'(0) = 0$.
    """
    rng = np.random.default_rng(5)
    dA, Z = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    ones = np.ones((2, 3))
    big = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e-8]])
    dA_row, Z_row = rng.standard_normal((1, 5)), rng.standard_normal((1, 5))
    cases = [
        Case("positive Z (every unit active: the gradient passes unchanged)",
             (dA[:2], np.abs(Z[:2]) + 0.1), expected_relu_backward(dA[:2], np.abs(Z[:2]) + 0.1)),
        Case("negative Z (every unit off: no gradient gets through)",
             (dA[:2], -np.abs(Z[:2]) - 0.1), expected_relu_backward(dA[:2], -np.abs(Z[:2]) - 0.1)),
        Case("Z = 0 exactly (we take relu'(0) = 0)",
             (ones, np.zeros((2, 3))), expected_relu_backward(ones, np.zeros((2, 3)))),
        Case("large inputs Z = ±1e4 and a tiny positive 1e-8",
             (ones, big), expected_relu_backward(ones, big)),
        Case("one example, arrays of shape (1, 5)",
             (dA_row, Z_row), expected_relu_backward(dA_row, Z_row)),
        Case("a random batch of shape (4, 3)", (dA, Z), expected_relu_backward(dA, Z)),
    ]
    run_check("relu_backward", relu_backward, cases,
              hint="relu'(z) is 1 where z > 0 and 0 elsewhere (also at z = 0); multiply dA by "
                   "it element by element. The result has the shape of Z.")


def two_layer_case(m, n_0, n_1, seed, b1_shift=0.0):
    """Arguments ``(parameters, cache, X, Y)`` for a ReLU-then-sigmoid network, in float64."""
    rng = np.random.default_rng(seed)
    parameters = {
        "W1": rng.standard_normal((n_0, n_1)), "b1": rng.standard_normal(n_1) + b1_shift,
        "W2": rng.standard_normal((n_1, 1)), "b2": rng.standard_normal(1),
    }
    X = rng.standard_normal((m, n_0))
    Y = (rng.random((m, 1)) < 0.5).astype(np.float64)
    _, cache = forward_propagation(X, parameters, hidden_activation="relu",
                                   output_activation="sigmoid")
    return parameters, cache, X, Y


def expected_two_layer(parameters, cache, X, Y):
    """What ``nnlib.backward_propagation`` gives with binary cross-entropy."""
    return backward_propagation(parameters, cache, X, Y, cost="binary_cross_entropy")


def check_backward_two_layer(backward_two_layer):
    r"""Check the learner's ``backward_two_layer(parameters, cache, X, Y)``.

    The network: $Z_1 = X W_1 + b_1$, $A_1 = \mathrm{relu}(Z_1)$, $Z_2 = A_1 W_2 + b_2$,
    $A_2 = \sigma(Z_2)$, with binary cross-entropy. X: ``(m, n_0)``; Y: ``(m, 1)`` of 0/1;
    cache: from ``nnlib.forward_propagation`` (keys ``"Z1"``, ``"A1"``, ``"Z2"``, ``"A2"``).
    The answer is ``{"dW1": (n_0, n_1), "db1": (n_1,), "dW2": (n_1, 1), "db2": (1,)}``.
    """
    specs = [
        ("one example, 3 features, 4 hidden units", (1, 3, 4, 0)),
        ("a batch of 5 examples, 3 features, 4 hidden units", (5, 3, 4, 1)),
        ("every hidden unit switched off (b1 very negative, so dW1 = 0)", (6, 2, 3, 2, -50.0)),
        ("a batch of 32 examples, 2 features, 8 hidden units", (32, 2, 8, 3)),
    ]
    cases = []
    for description, spec in specs:
        args = two_layer_case(*spec)
        cases.append(Case(description, args, expected_two_layer(*args)))
    run_check("backward_two_layer", backward_two_layer, cases,
              hint="start from dZ2 = (A2 - Y) / m; dW = A_prevᵀ dZ, db = dZ summed over the rows "
                   "(axis=0), dA_prev = dZ Wᵀ; then dZ1 = dA1 ⊙ relu'(Z1). Return a dict with "
                   "keys dW1, db1, dW2, db2, each shaped like its parameter.")
