r"""Checks for lesson 05, backpropagation: the ``Value`` class (the chain rule on a graph),
``backward_propagation``, ``update_parameters`` and ``gradient_check``.

The expected answers come from :mod:`nnlib.graph`, :mod:`nnlib.backprop` and
:mod:`nnlib.gradient_check`. Gradients are compared in float64 (where a gradient check needs
it) and one case of each asks that float32 stays float32. Every check takes ``seed``: ``None``
runs the visible cases; an int adds hidden cases of the same kinds drawn from
``np.random.default_rng(seed)``.

The gradient-check exercise is given gradient functions to judge. The wrong ones are defined
here at module level (``backward_without_1_over_m``, ...), so that a grader can name them.
"""

import numpy as np

from ..backprop import backward_propagation as reference_backward
from ..backprop import update_parameters as reference_update
from ..forward import forward_propagation as reference_forward
from ..gradient_check import check_backward
from ..graph import Value as ReferenceValue
from ..initialization import initialize_parameters
from .core import Case, CheckFailed, run_check
from .strict import hidden_rng, run_property_check, without_warnings

HINTS = {
    "lesson05-value": (
        "Each operation makes a new Value and gives it a small function that, once the new "
        "value's gradient is known, adds to each input's gradient the local derivative times "
        "that gradient. backward() sets the last value's gradient to 1 and calls those "
        "functions from the end of the graph to its start, every node after all the nodes "
        "that use it.",
        "Local derivatives: for a + b, 1 and 1; for a · b, b and a; for tanh(a), 1 − tanh²(a); "
        "for exp(a), exp(a). Gradients add up (+=) when a value is used more than once.",
        "The order: a depth-first visit that appends a node after visiting its children lists "
        "every node after its inputs; walk that list backwards.",
    ),
    "lesson05-backward-propagation": (
        "Start at the output with the fused gradient (A_L − Y)/m, then go from layer L down to "
        "layer 1. At each layer the gradient of Z gives the weight and bias gradients, and "
        "the gradient passed down to the layer below, through its activation's slope.",
        "dW_l = A_{l-1}ᵀ dZ_l, db_l = the sum of dZ_l over the m rows, dA_{l-1} = dZ_l W_lᵀ, "
        "and dZ_{l-1} = dA_{l-1} ⊙ g'(Z_{l-1}) with g the hidden activation named in the "
        "cache. Each gradient has the shape of its parameter.",
        "The arrays of layer l are in the cache under 'A0', 'Z1', 'A1', ...; the hidden "
        "activation's name is the first of cache['activations'], and ACTIVATION_DERIVATIVES "
        "gives its slope g'.",
    ),
    "lesson05-update-parameters": (
        "Gradient descent moves every parameter a small step against its gradient: downhill, "
        "by the learning rate times the slope.",
        "W_l ← W_l − α dW_l and b_l ← b_l − α db_l for every layer; the gradient of the "
        "parameter named 'W1' is under 'dW1'. Return the updated dict.",
    ),
    "lesson05-gradient-check": (
        "Nudge one parameter at a time a tiny step δ up and down, measure how the cost "
        "changes, and compare those slopes with the gradients that the backward function "
        "returns. Work in float64, and put each parameter back after nudging it.",
        "Numerical slope: (J(θ_i + δ) − J(θ_i − δ)) / 2δ for every entry θ_i of every W_l and "
        "b_l; relative error ‖g − g̃‖ / (‖g‖ + ‖g̃‖) over all entries together.",
        "J is the cost of the network's output: run the forward pass with the given hidden "
        "activation and take nnlib.compute_cost of its output against Y. Convert the "
        "parameters and X to float64 first.",
    ),
}


# --- Value: the chain rule on a graph -------------------------------------------------------

def neuron(V, x1, x2, w1, w2, b):
    """tanh(x1 w1 + x2 w2 + b), the graph drawn in the lesson."""
    return (x1 * w1 + x2 * w2 + b).tanh()


def diamond(V, a, b, c):
    """d = a b; f = d (d + c): d is used twice, so its gradient must be complete before it is
    passed on (a topological order)."""
    d = a * b
    return d * (d + c)


EXPRESSIONS = {  # name: (description, function(Value, *inputs) -> output)
    "sum_product": ("a · b + c", lambda V, a, b, c: a * b + c),
    "square": ("a · a (one value used twice: gradients add up)", lambda V, a: a * a),
    "neuron": ("tanh(x1 w1 + x2 w2 + b)", neuron),
    "exp": ("exp(a) · b + a", lambda V, a, b: a.exp() * b + a),
    "diamond": ("d = a · b, then d · (d + c) (needs a topological order)", diamond),
    "numbers": ("2 · a + 1 − a · 3 (plain numbers mixed in)", lambda V, a: 2 * a + 1 - a * 3),
    "chain": ("tanh(exp(a · b)) · a", lambda V, a, b: (a * b).exp().tanh() * a),
}


def evaluate(V, name, inputs):
    """Build expression ``name`` from ``V(x)`` for each input, call ``backward()`` on it, and
    return ``(output data, (gradient of each input, ...))``."""
    leaves = [V(x) for x in inputs]
    out = EXPRESSIONS[name][1](V, *leaves)
    out.backward()
    return float(out.data), tuple(float(leaf.grad) for leaf in leaves)


def gives_nothing(V):
    """The first of ``a + b``, ``a * b``, ``a.tanh()`` and ``a.exp()`` that gives ``None`` for
    values ``a`` and ``b`` of the class ``V``, or ``None`` if each gives something."""
    operations = {"a + b": lambda a, b: a + b, "a * b": lambda a, b: a * b,
                  "a.tanh()": lambda a, b: a.tanh(), "a.exp()": lambda a, b: a.exp()}
    for what, operation in operations.items():
        if operation(V(0.5), V(-1.5)) is None:
            return what
    return None


def value_cases(draw):
    """Cases for :func:`check_value`; ``draw`` a Generator or None (the visible inputs)."""
    visible = {"sum_product": (2.0, -3.0, 10.0), "square": (-1.5,),
               "neuron": (2.0, 0.0, -3.0, 1.0, 6.8813735870195432), "exp": (0.5, -2.0),
               "diamond": (2.0, -1.5, 4.0), "numbers": (0.75,), "chain": (0.3, -0.7)}
    cases = []
    for name, values in visible.items():
        if draw is not None:
            values = tuple(float(x) for x in draw.uniform(-1.5, 1.5, size=len(values)))
        description = f"{EXPRESSIONS[name][0]} at {tuple(round(x, 4) for x in values)}"
        cases.append(Case(description, (name, values),
                          evaluate(ReferenceValue, name, values)))
    return cases


def check_value(Value, *, seed=None):
    r"""Check the learner's ``Value`` class: ``+``, ``*``, ``tanh()``, ``exp()`` and
    ``backward()`` give the right ``data`` and, for every input, the right ``grad``.

    The answer for each expression is ``(output data, (gradient of each input, ...))``, the
    same as ``nnlib.graph.Value``'s.
    """
    cases = value_cases(None)
    draw = hidden_rng(seed)
    if draw is not None:
        cases += value_cases(draw)

    def evaluate_yours(name, inputs):
        missing = gives_nothing(Value)
        if missing:
            raise TypeError(f"{missing} gave None: did you forget to `return` the new Value?")
        return evaluate(Value, name, inputs)

    if not isinstance(Value, type):
        raise CheckFailed(f"✘ Value: expected your class Value, got {type(Value).__name__}.")
    run_check("Value", without_warnings(evaluate_yours, "look at the operation that warned"),
              cases, exercise="lesson05-value", rtol=1e-9, atol=1e-12)


# --- backward_propagation -------------------------------------------------------------------

def random_network(sizes, m, rng, dtype, bias_spread):
    """``(parameters, X)``: Xavier weights, biases of spread ``bias_spread`` (so that no
    bias is zero and a forgotten ``db`` shows), and ``m`` random examples."""
    parameters = initialize_parameters(*sizes, method="xavier", rng=rng, dtype=dtype)
    for key, value in parameters.items():
        if key.startswith("b"):
            value += rng.standard_normal(value.shape).astype(dtype) * dtype(bias_spread)
    return parameters, rng.standard_normal((m, sizes[0])).astype(dtype)


def backward_case(sizes, hidden, output, m, rng, dtype=np.float64):
    """Arguments ``(parameters, cache, X, Y)``: nnlib's forward pass on random data, with
    one-hot targets for a softmax output and 0/1 targets ``(m, 1)``-shaped for a sigmoid."""
    parameters, X = random_network(sizes, m, rng, dtype, bias_spread=0.5)
    n_out = sizes[-1]
    if output == "softmax":
        Y = np.eye(n_out, dtype=dtype)[rng.integers(n_out, size=m)]
    else:
        Y = (rng.random((m, n_out)) < 0.5).astype(dtype)
    _, cache = reference_forward(X, parameters, hidden, output)
    return parameters, cache, X, Y


def gradient_problem(got, expected, m, names):
    """Why the gradient dict ``got`` differs from ``expected``, with a diagnosis, or None."""
    if not isinstance(got, dict):
        return f"expected a dict {{'dW1': ..., 'db1': ..., ...}}, got {type(got).__name__}"
    if set(got) != set(expected):
        return f"expected the keys {sorted(expected)}, got {sorted(got)}"
    L = len(expected) // 2
    order = [f"{p}{l}" for l in range(L, 0, -1) for p in ("dW", "db")]
    for key in order:
        value, want = got[key], expected[key]
        if not isinstance(value, np.ndarray):
            return f"{key} should be a NumPy array, got {type(value).__name__}"
        if value.shape != want.shape:
            extra = (" (transposed? dW_l = A_{l-1}ᵀ dZ_l has the shape of W_l)"
                     if value.shape == want.shape[::-1] else
                     " (db_l sums dZ_l over the rows, axis 0, to shape (n_l,))"
                     if key.startswith("db") else "")
            return f"{key} has shape {value.shape}, expected {want.shape}{extra}"
        if value.dtype != want.dtype:
            return (f"{key} has dtype {value.dtype}, expected {want.dtype}: keep the dtype of "
                    "the parameters and the cache")
        if not np.all(np.isfinite(value)):
            return f"{key} contains NaN or infinity"
    mismatched = [key for key in order if not np.allclose(got[key], expected[key],
                                                          rtol=1e-4, atol=1e-7)]
    if not mismatched:
        return None
    ratios = {}
    for factor, reason in [(m, "every gradient is m times too large: the 1/m is missing "
                               "(it belongs in the output gradient (A_L − Y)/m)"),
                           (1 / m, "every gradient is m times too small: the 1/m is applied "
                                   "twice"),
                           (-1.0, "every gradient has the wrong sign: the output gradient is "
                                  "A_L − Y, prediction minus target")]:
        ratios[reason] = all(np.allclose(got[k], factor * expected[k], rtol=1e-4, atol=1e-7)
                             for k in order)
    for reason, found in ratios.items():
        if found:
            return reason
    key = mismatched[0]
    l = int(key[2:])
    value, want = got[key], expected[key]
    index = np.unravel_index(np.argmax(np.abs(value - want)), want.shape)
    where = (f"{key} at index {tuple(int(i) for i in index)} is {float(value[index]):.6g}, "
             f"expected {float(want[index]):.6g}")
    if l == L:
        return f"{where}: the output layer is wrong, so look at dZ_{L} = (A_{L} − Y)/m first"
    return (f"{where}: layer {l + 1} is right, so look at the step down to layer {l}: "
            f"dA_{l} = dZ_{l + 1} W_{l + 1}ᵀ, then dZ_{l} = dA_{l} ⊙ g'(Z_{l})")


def expect_gradients(parameters, cache, X, Y):
    # The fused start (A_L - Y)/m pairs sigmoid with binary and softmax with categorical
    # cross-entropy, also for several sigmoid units (nnlib's default there is categorical).
    cost = {"sigmoid": "binary_cross_entropy",
            "softmax": "categorical_cross_entropy"}[cache["activations"][1]]
    expected = reference_backward(parameters, cache, X, Y, cost=cost)
    hidden = cache["activations"][0]
    names = tuple(cache["activations"])

    def inspect(got):
        reason = gradient_problem(got, expected, X.shape[0], names)
        return f"{reason} (hidden activation {hidden})" if reason else None
    return inspect


def check_backward_propagation(backward_propagation, *, seed=None):
    r"""Check the learner's ``backward_propagation(parameters, cache, X, Y)`` against
    ``nnlib.backward_propagation``.

    parameters: ``{"W1": (n_0, n_1), "b1": (n_1,), ...}``; cache: from
    ``nnlib.forward_propagation`` (``"A0"``, ``"Z1"``, ``"A1"``, ..., ``"activations"``);
    X: ``(m, n_0)``; Y: the targets, shaped like the output ``(m, n_L)`` (one-hot rows for
    softmax). Returns ``{"dW1": (n_0, n_1), "db1": (n_1,), ...}``, starting from the fused
    output gradient $dZ_L = (A_L - Y)/m$.
    """
    rng = np.random.default_rng(505)
    specs = [  # (description, sizes, hidden, output, m, dtype)
        ("one layer 3 → 1 (logistic regression), sigmoid output", (3, 1), "relu", "sigmoid",
         5, np.float64),
        ("two layers 4 → 5 → 3, ReLU hidden, softmax output", (4, 5, 3), "relu", "softmax", 6,
         np.float64),
        ("two layers 2 → 6 → 1, tanh hidden, sigmoid output", (2, 6, 1), "tanh", "sigmoid", 8,
         np.float64),
        ("three layers 3 → 5 → 4 → 3, sigmoid hidden, softmax output", (3, 5, 4, 3), "sigmoid",
         "softmax", 7, np.float64),
        ("four layers 2 → 6 → 6 → 6 → 3, tanh hidden, softmax output", (2, 6, 6, 6, 3), "tanh",
         "softmax", 9, np.float64),
        ("four layers 5 → 4 → 6 → 3 → 1, ReLU hidden, sigmoid output", (5, 4, 6, 3, 1), "relu",
         "sigmoid", 4, np.float64),
        ("one example (m = 1), 3 → 4 → 2, tanh hidden, softmax output", (3, 4, 2), "tanh",
         "softmax", 1, np.float64),
        ("float32 (the gradients stay float32), 784 → 16 → 10, ReLU hidden, softmax output",
         (784, 16, 10), "relu", "softmax", 20, np.float32),
    ]
    draw = hidden_rng(seed)
    if draw is not None:
        for _ in range(4):
            depth = int(draw.integers(1, 5))
            sizes = tuple(int(n) for n in draw.integers(1, 8, size=depth + 1))
            hidden = str(draw.choice(["relu", "tanh", "sigmoid"]))
            output = "sigmoid" if sizes[-1] == 1 else str(draw.choice(["softmax", "sigmoid"]))
            specs.append((f"layer sizes {sizes}, {hidden} hidden, {output} output", sizes,
                          hidden, output, int(draw.integers(2, 10)), np.float64))
        rng = draw
    cases = []
    for description, sizes, hidden, output, m, dtype in specs:
        args = backward_case(sizes, hidden, output, m, rng, dtype)
        cases.append(Case(description, args, expect_gradients(*args)))
    run_property_check("backward_propagation", backward_propagation, cases,
                       exercise="lesson05-backward-propagation")


# --- update_parameters ----------------------------------------------------------------------

def update_problem(got, expected, parameters, grads, learning_rate):
    if not isinstance(got, dict):
        return (f"expected the updated parameter dict, got {type(got).__name__} (return the "
                "parameters)")
    if set(got) != set(expected):
        return f"expected the keys {sorted(expected)}, got {sorted(got)}"
    for key in sorted(expected):
        value, want = got[key], expected[key]
        if not isinstance(value, np.ndarray) or value.shape != want.shape:
            return f"{key} has shape {getattr(value, 'shape', None)}, expected {want.shape}"
        if value.dtype != want.dtype:
            return f"{key} has dtype {value.dtype}, expected {want.dtype}"
        if not np.allclose(value, want, rtol=1e-5, atol=1e-7):
            step = value - parameters[key]
            wanted = want - parameters[key]
            if np.allclose(step, -wanted, rtol=1e-4, atol=1e-7):
                return (f"{key} moved uphill: a step along the gradient raises the cost, so "
                        "subtract it")
            if np.allclose(step, 0):
                return f"{key} did not change"
            return (f"{key} changed by a step whose largest entry is "
                    f"{float(np.abs(step).max()):.4g}, expected {float(np.abs(wanted).max()):.4g}"
                    f" = the learning rate {learning_rate} times d{key}")
    return None


def expect_update(parameters, grads, learning_rate):
    expected = reference_update({k: v.copy() for k, v in parameters.items()}, grads,
                                learning_rate)

    def inspect(got):
        return update_problem(got, expected, parameters, grads, learning_rate)
    return inspect


def check_update_parameters(update_parameters, *, seed=None):
    r"""Check the learner's ``update_parameters(parameters, grads, learning_rate)``: one step
    of gradient descent, $W_l \leftarrow W_l - \alpha\, dW_l$, $b_l \leftarrow b_l -
    \alpha\, db_l$, returning the parameters (float32 stays float32)."""
    rng = np.random.default_rng(55)
    specs = [((3, 1), 0.1, np.float32), ((784, 16, 10), 0.5, np.float32),
             ((2, 4, 4, 3), 0.01, np.float32), ((3, 5, 2), 1.0, np.float64)]
    draw = hidden_rng(seed)
    if draw is not None:
        specs += [(tuple(int(n) for n in draw.integers(1, 9, size=int(draw.integers(2, 5)))),
                   float(draw.uniform(0.01, 2)), np.float32) for _ in range(3)]
        rng = draw
    cases = []
    for sizes, learning_rate, dtype in specs:
        parameters = initialize_parameters(*sizes, rng=rng, dtype=dtype)
        for value in parameters.values():
            value += rng.standard_normal(value.shape).astype(dtype) * dtype(0.1)
        grads = {f"d{k}": rng.standard_normal(v.shape).astype(dtype) for k, v in
                 parameters.items()}
        description = (f"layer sizes {sizes}, learning rate {learning_rate:.4g}, "
                       f"{np.dtype(dtype).name}")
        cases.append(Case(description, (parameters, grads, learning_rate),
                          expect_update(parameters, grads, learning_rate)))
    run_property_check("update_parameters", update_parameters, cases,
                       exercise="lesson05-update-parameters")


# --- gradient_check -------------------------------------------------------------------------
# Gradient functions for the learner's gradient check to judge: one right, four subtly wrong.
# Each has the signature of backward_propagation(parameters, cache, X, Y).

def backward_right(parameters, cache, X, Y):
    """nnlib's backward pass: the gradients are right."""
    return reference_backward(parameters, cache, X, Y)


def backward_without_1_over_m(parameters, cache, X, Y):
    """Wrong: every gradient is m times too large."""
    return {k: v * X.shape[0] for k, v in reference_backward(parameters, cache, X, Y).items()}


def backward_first_bias_off_by_5_percent(parameters, cache, X, Y):
    """Wrong, and hard to see: db1 is 5% too large, everything else is right."""
    grads = reference_backward(parameters, cache, X, Y)
    grads["db1"] = grads["db1"] * 1.05
    return grads


def backward_tanh_slope_from_z(parameters, cache, X, Y):
    """Wrong: the hidden layers use 1 - Z² as tanh's slope instead of 1 - tanh²(Z)."""
    L = len(parameters) // 2
    m = X.shape[0]
    dZ = (cache[f"A{L}"] - Y) / m
    grads = {}
    for l in range(L, 0, -1):
        grads[f"dW{l}"] = cache[f"A{l - 1}"].T @ dZ
        grads[f"db{l}"] = dZ.sum(axis=0)
        if l > 1:
            dZ = (dZ @ parameters[f"W{l}"].T) * (1 - cache[f"Z{l - 1}"] ** 2)
    return grads


def backward_last_weight_rows_reversed(parameters, cache, X, Y):
    """Wrong: the last layer's weight gradient has its rows in reverse order (the right
    numbers in the wrong places, as from mixing up two indices)."""
    grads = reference_backward(parameters, cache, X, Y)
    L = len(parameters) // 2
    grads[f"dW{L}"] = grads[f"dW{L}"][::-1].copy()
    return grads


def gradient_check_case(sizes, hidden, m, rng, dtype=np.float64):
    """``(parameters, X, Y)`` for a small network with a softmax or sigmoid output."""
    parameters, X = random_network(sizes, m, rng, dtype, bias_spread=0.3)
    n_out = sizes[-1]
    Y = (np.eye(n_out, dtype=dtype)[rng.integers(n_out, size=m)] if n_out > 1
         else (rng.random((m, 1)) < 0.5).astype(dtype))
    return parameters, X, Y


def expected_relative_error(backward, parameters, X, Y, hidden):
    """The relative error between ``backward``'s gradients and finite differences (float64),
    as ``nnlib.gradient_check.check_backward`` computes it."""
    return check_backward(backward, parameters, X, Y, hidden)


def expect_verdict(expected, right):
    def inspect(got):
        try:
            got = float(got)
        except (TypeError, ValueError):
            return f"expected the relative error, a number; got {type(got).__name__}"
        if not np.isfinite(got):
            return "the relative error is NaN or infinite"
        if right:
            if got > 1e-7:
                return (f"these gradients are right, but your check gives a relative error of "
                        f"{got:.3g}, above 1e-7: is everything in float64, is δ small "
                        "(1e-6), and is each parameter put back after nudging it?")
            return None
        if not np.isclose(got, expected, rtol=1e-3):
            return (f"these gradients are wrong and the relative error should be "
                    f"{expected:.4g}, got {got:.4g}: compare all the entries of all the "
                    "gradients at once, as ‖g − g̃‖ / (‖g‖ + ‖g̃‖)")
        return None
    return inspect


def check_gradient_check(gradient_check, *, seed=None):
    r"""Check the learner's ``gradient_check(backward, parameters, X, Y,
    hidden_activation="relu", epsilon=1e-6)``: the relative error
    $\lVert g - \tilde g \rVert / (\lVert g \rVert + \lVert \tilde g \rVert)$ between the
    gradients of ``backward(parameters, cache, X, Y)`` and centred finite differences of the
    cost, in float64.

    The check gives it right and subtly wrong gradient functions (the module-level
    ``backward_*`` functions here) and asks for below 1e-7 for the right ones and nnlib's
    relative error (to 0.1%) for the wrong ones.
    """
    rng = np.random.default_rng(5050)
    specs = [  # (description, backward, sizes, hidden, m, dtype)
        ("right gradients, 2 → 4 → 3 tanh network, softmax output", backward_right,
         (2, 4, 3), "tanh", 6, np.float64),
        ("right gradients given float32 parameters and X (check in float64)", backward_right,
         (3, 4, 1), "tanh", 5, np.float32),
        ("right gradients, 3 → 5 → 4 → 2 sigmoid network", backward_right, (3, 5, 4, 2),
         "sigmoid", 4, np.float64),
        ("gradients m times too large", backward_without_1_over_m, (2, 4, 3), "tanh", 6,
         np.float64),
        ("db1 5% too large, all else right", backward_first_bias_off_by_5_percent,
         (2, 3, 1), "tanh", 5, np.float64),
        ("tanh's slope taken as 1 − Z² instead of 1 − tanh²(Z)", backward_tanh_slope_from_z,
         (2, 5, 5, 3), "tanh", 6, np.float64),
        ("the last weight gradient's rows in the wrong order",
         backward_last_weight_rows_reversed, (3, 4, 2), "relu", 5, np.float64),
    ]
    draw = hidden_rng(seed)
    if draw is not None:
        wrong = [backward_without_1_over_m, backward_first_bias_off_by_5_percent,
                 backward_last_weight_rows_reversed]
        for backward in [backward_right, wrong[int(draw.integers(3))]]:
            sizes = tuple(int(n) for n in draw.integers(2, 5, size=3))
            specs.append((f"{backward.__name__} on layer sizes {sizes}", backward, sizes,
                          "tanh", int(draw.integers(3, 7)), np.float64))
        rng = draw
    cases = []
    for description, backward, sizes, hidden, m, dtype in specs:
        parameters, X, Y = gradient_check_case(sizes, hidden, m, rng, dtype)
        expected = expected_relative_error(backward, parameters, X, Y, hidden)
        cases.append(Case(description, (backward, parameters, X, Y, hidden),
                          expect_verdict(expected, backward is backward_right)))
    run_property_check("gradient_check", gradient_check, cases,
                       exercise="lesson05-gradient-check")
