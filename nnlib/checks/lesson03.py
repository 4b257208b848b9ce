r"""Checks for lesson 03, the forward pass: ``initialize_parameters``, ``forward_propagation``
and ``count_parameters``.

The expected answers come from :mod:`nnlib.initialization` and :mod:`nnlib.forward`, in the
lesson's dtype, float32 (one case also asks that float64 stays float64). Every check takes
``seed``: ``None`` runs the visible cases; an int adds hidden cases of the same kinds drawn from
``np.random.default_rng(seed)``, so an answer hard-coded from the visible ones fails.

Random weights cannot be compared number by number, and the learner may draw them in any
order: ``initialize_parameters`` is checked by its statistics (shapes, dtype, zero biases,
mean 0, standard deviation $\sqrt{2 / n_{l-1}}$, a normal shape) and by reproducibility.
"""

import numpy as np

from ..forward import forward_propagation as reference_forward
from ..initialization import count_parameters as reference_count
from ..initialization import initialize_parameters as reference_initialize
from .core import Case, run_check
from .strict import hidden_rng, run_property_check, without_warnings

HINTS = {
    "lesson03-initialize-parameters": (
        "Layer l joins the n_{l-1} units before it to its n_l units: one weight per pair (a "
        "matrix with a row per input and a column per unit) and one bias per unit. Make one "
        "random generator from rng, draw every weight from it, and start every bias at 0.",
        "He initialization: W_l has shape (n_{l-1}, n_l), entries drawn from the standard "
        "normal N(0, 1) and multiplied by √(2 / n_{l-1}); b_l has shape (n_l,) and is all "
        "zeros. Both are stored in the requested dtype, under the keys W1, b1, W2, b2, ...",
        "Go over the pairs of neighbouring sizes (n_0, n_1), (n_1, n_2), ...: layer l takes "
        "the size just before it as its number of inputs and its own size as its number of "
        "units, for l = 1, ..., L, where L is one less than the number of sizes.",
    ),
    "lesson03-forward-propagation": (
        "Walk from the input to the output: each layer takes the previous layer's activations, "
        "forms its weighted sums and applies its activation. Keep everything you computed on "
        "the way in the cache, and the two activation names too: backpropagation needs them.",
        "With A_0 = X and L the number of weight matrices: Z_l = A_{l-1} W_l + b_l and "
        "A_l = g_l(Z_l) for l = 1, ..., L, where g_l is hidden_activation for l < L and "
        "output_activation for l = L. When output_activation is None it is sigmoid if W_L has "
        "a single column, softmax otherwise.",
        "The cache maps 'A0' to X, 'Z1', 'A1', ..., 'ZL', 'AL' to the arrays of each layer, "
        "and 'activations' to the pair (hidden activation name, output activation name). "
        "Return the pair (A_L, cache).",
    ),
    "lesson03-count-parameters": (
        "Every weight and every bias is one number that training adjusts: count the entries "
        "of each W_l and each b_l from their shapes.",
        "Layer l has n_{l-1} · n_l weights and n_l biases; add n_{l-1} · n_l + n_l over the "
        "layers l = 1, ..., L, that is over the pairs of neighbouring sizes.",
    ),
}


# --- initialize_parameters ------------------------------------------------------------------

def weight_statistics_problem(name, W, n_in):
    r"""Why ``W`` does not look like He-initialized weights for ``n_in`` inputs, or ``None``.

    Tolerances follow the sampling error: the standard deviation of ``N`` normal draws is
    off by about $1/\sqrt{2N}$ of itself, the mean by $\sigma/\sqrt{N}$. Small matrices are
    only checked for not being all equal; large ones for scale, mean and shape.
    """
    values = np.asarray(W, dtype=np.float64).ravel()
    if values.size > 1 and np.ptp(values) == 0:
        return (f"every entry of {name} is {values[0]:.4g}: the weights must be random, "
                "else all units of a layer compute the same thing")
    if values.size < 1000:
        return None
    std = np.sqrt(2 / n_in)
    measured = values.std()
    if abs(measured / std - 1) > max(4 / np.sqrt(2 * values.size), 0.02):
        return (f"{name} has standard deviation {measured:.4g}, expected about {std:.4g} = "
                f"√(2 / n_{{l-1}}) with n_{{l-1}} = {n_in} inputs (He initialization)")
    if abs(values.mean()) > 5 * std / np.sqrt(values.size):
        return (f"{name} has mean {values.mean():.4g}, expected about 0: draw from a normal "
                "distribution centred on 0")
    within = np.mean(np.abs(values) < std)
    if abs(within - 0.6827) > 0.02:
        return (f"{within:.1%} of {name} lies within one standard deviation of 0, where a "
                "normal distribution has 68.3%: draw from the standard normal, not another "
                "distribution")
    return None


def parameters_problem(got, sizes, dtype):
    """Why ``got`` is not a parameter dict for ``sizes`` in ``dtype``, or ``None``."""
    if not isinstance(got, dict):
        return (f"expected a dict {{'W1': ..., 'b1': ..., ...}}, got "
                f"{type(got).__name__}")
    L = len(sizes) - 1
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    if sorted(got) != sorted(keys):
        return (f"expected the keys {keys} for {L} layer{'s' * (L > 1)}, got "
                f"{sorted(got)}")
    for l in range(1, L + 1):
        W, b = got[f"W{l}"], got[f"b{l}"]
        for name, value, shape in [(f"W{l}", W, (sizes[l - 1], sizes[l])),
                                   (f"b{l}", b, (sizes[l],))]:
            if not isinstance(value, np.ndarray):
                return f"{name} should be a NumPy array, got {type(value).__name__}"
            if value.shape != shape:
                flipped = " (transposed?)" if value.shape == shape[::-1] else ""
                return (f"{name} has shape {value.shape}{flipped}, expected {shape}: "
                        f"W_l is (n_{{l-1}}, n_l) and b_l is (n_l,)")
            if value.dtype != dtype:
                return f"{name} has dtype {value.dtype}, expected {np.dtype(dtype)}"
        if np.any(b != 0):
            return f"b{l} should start at 0, got {b.ravel()[:4]}"
        reason = weight_statistics_problem(f"W{l}", W, sizes[l - 1])
        if reason:
            return reason
    return None


def expect_parameters(sizes, dtype=np.float32):
    def inspect(got):
        return parameters_problem(got, sizes, dtype)
    return inspect


def call_twice_same_seed(fn, *sizes):
    return fn(*sizes, rng=7), fn(*sizes, rng=7), fn(*sizes, rng=8)


def expect_reproducible(got):
    first, again, other = got
    for parameters in got:
        if not isinstance(parameters, dict) or "W1" not in parameters:
            return "expected a dict of parameters from every call"
    if not all(np.array_equal(first[k], again[k]) for k in first):
        return ("two calls with rng=7 gave different weights: make the generator from rng "
                "(np.random.default_rng accepts a seed) and draw every weight from it")
    if np.array_equal(first["W1"], other["W1"]):
        return "rng=7 and rng=8 gave the same W1: the seed must decide the weights"
    return None


def call_with_generator(fn, *sizes):
    generator = np.random.default_rng(11)
    return fn(*sizes, rng=generator), fn(*sizes, rng=generator)


def expect_generator_used(got):
    first, second = got
    if np.array_equal(first["W1"], second["W1"]):
        return ("passing the same np.random.Generator twice gave the same W1: when rng is "
                "already a Generator, draw from it (do not make a new one from a fixed seed)")
    return parameters_problem(first, (30, 40, 5), np.float32)


def check_initialize_parameters(initialize_parameters, *, seed=None):
    r"""Check the learner's ``initialize_parameters(*layer_sizes, rng=None, dtype=np.float32)``.

    Returns ``{"W1": (n_0, n_1), "b1": (n_1,), ...}``: He-initialized weights (standard
    normal times $\sqrt{2 / n_{l-1}}$), zero biases, in ``dtype``, the same for the same seed.
    The check looks at statistics and reproducibility, never at the exact draws.
    """
    specs = [  # (description, sizes, keyword arguments, dtype)
        ("the course's network 784 → 128 → 10, rng=0", (784, 128, 10), {"rng": 0}, np.float32),
        ("four layers 3 → 5 → 4 → 2 → 1, rng=1", (3, 5, 4, 2, 1), {"rng": 1}, np.float32),
        ("one layer 500 → 3 (no hidden layer), rng=2", (500, 3), {"rng": 2}, np.float32),
        ("300 → 200 → 100 in float64 (dtype=np.float64)", (300, 200, 100),
         {"rng": 3, "dtype": np.float64}, np.float64),
    ]
    draw = hidden_rng(seed)
    if draw is not None:
        for _ in range(3):
            depth = int(draw.integers(1, 5))
            sizes = tuple(int(n) for n in draw.integers(40, 400, size=depth + 1))
            specs.append((f"layer sizes {sizes}, rng={seed}", sizes, {"rng": seed}, np.float32))
    cases = [Case(description, sizes, expect_parameters(sizes, dtype))
             for description, sizes, _, dtype in specs]
    calls = [lambda fn, *sizes, kw=kw: fn(*sizes, **kw) for _, _, kw, _ in specs]
    cases.append(Case("calling twice with rng=7, then with rng=8, for 20 → 30 → 10",
                      (20, 30, 10), expect_reproducible))
    calls.append(call_twice_same_seed)
    cases.append(Case("calling twice with the same np.random.Generator, for 30 → 40 → 5",
                      (30, 40, 5), expect_generator_used))
    calls.append(call_with_generator)
    run_property_check("initialize_parameters", initialize_parameters, cases,
                       exercise="lesson03-initialize-parameters", calls=calls)


# --- forward_propagation --------------------------------------------------------------------

def forward_case(sizes, hidden, output, m, rng, dtype=np.float32, weight_scale=1.0):
    """Arguments ``(X, parameters, hidden, output)`` with random non-zero biases."""
    parameters = reference_initialize(*sizes, rng=rng, dtype=dtype)
    for key, value in parameters.items():
        if key.startswith("b"):
            value += rng.standard_normal(value.shape).astype(dtype) * dtype(0.5)
        else:
            value *= dtype(weight_scale)
    X = rng.standard_normal((m, sizes[0])).astype(dtype)
    return X, parameters, hidden, output


def cache_problem(cache, expected, L, rtol, atol):
    """Why the learner's cache differs from nnlib's, layer by layer, or ``None``."""
    if not isinstance(cache, dict):
        return f"the cache should be a dict, got {type(cache).__name__}"
    needed = ["A0"] + [f"{p}{l}" for l in range(1, L + 1) for p in "ZA"] + ["activations"]
    missing = [key for key in needed if key not in cache]
    if missing:
        return (f"the cache has no {missing[0]!r}: it keeps A0 = X, every Z_l and A_l "
                f"(l = 1..{L}) and 'activations'")
    names = expected["activations"]
    if tuple(cache["activations"]) != names:
        return (f"cache['activations'] is {cache['activations']!r}, expected {names!r}: "
                "(hidden activation, output activation), the output one chosen from the "
                "number of output units when output_activation is None")
    for key in needed[:-1]:
        got, want = cache[key], expected[key]
        what = {"Z": "the weighted sum Z_{l} = A_{l-1} W_{l} + b_{l}",
                "A": "the activation A_{l} = g(Z_{l})"}
        l = key[1:]
        label = ("A0, which is X itself" if key == "A0" else
                 what[key[0]].replace("{l}", l).replace("{l-1}", str(int(l) - 1)))
        if not isinstance(got, np.ndarray) or got.shape != want.shape:
            shape = getattr(got, "shape", type(got).__name__)
            return f"cache[{key!r}] has shape {shape}, expected {want.shape} ({label})"
        if got.dtype != want.dtype:
            return (f"cache[{key!r}] has dtype {got.dtype}, expected {want.dtype}: keep the "
                    "dtype of X and the parameters")
        if not np.all(np.isfinite(got)):
            return f"cache[{key!r}] contains NaN or infinity ({label})"
        if not np.allclose(got, want, rtol=rtol, atol=atol):
            index = np.unravel_index(np.argmax(np.abs(got - want)), want.shape)
            hint = ""
            if key[0] == "A" and key != "A0" and np.allclose(cache[f"Z{l}"], expected[f"Z{l}"],
                                                            rtol=rtol, atol=atol):
                layer = names[1] if int(l) == L else names[0]
                hint = f"; Z{l} is right, so check layer {l}'s activation, which is {layer}"
            return (f"cache[{key!r}] ({label}) at index {tuple(int(i) for i in index)} is "
                    f"{float(got[index]):.6g}, expected {float(want[index]):.6g}{hint}")
    return None


def expect_forward(X, parameters, hidden, output, rtol=1e-5, atol=1e-6):
    expected_output, expected_cache = reference_forward(X, parameters, hidden, output)
    L = len(parameters) // 2

    def inspect(got):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return (f"expected the pair (output, cache), got {type(got).__name__}"
                    + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""))
        A, cache = got
        reason = cache_problem(cache, expected_cache, L, rtol, atol)
        if reason:
            return reason
        if not isinstance(A, np.ndarray) or A.shape != expected_output.shape or not np.allclose(
                A, expected_output, rtol=rtol, atol=atol):
            return f"the output is not A{L}, the activation of the last layer"
        return None
    return inspect


def check_forward_propagation(forward_propagation, *, seed=None):
    r"""Check the learner's ``forward_propagation(X, parameters, hidden_activation="relu",
    output_activation=None)`` against ``nnlib.forward_propagation``.

    X: ``(m, n_0)``; parameters: ``{"W1": (n_0, n_1), "b1": (n_1,), ...}``, any depth.
    Returns ``(A_L, cache)`` with ``cache`` holding ``"A0"``, ``"Z1"``, ``"A1"``, ...,
    ``"ZL"``, ``"AL"`` and ``"activations"`` = (hidden, output). Float32 in, float32 out.
    """
    rng = np.random.default_rng(303)
    specs = [  # (description, sizes, hidden, output, m, dtype, weight scale)
        ("the course's network 784 → 128 → 10 on 8 images, ReLU, default output",
         (784, 128, 10), "relu", None, 8, np.float32, 1.0),
        ("one layer 3 → 1 (no hidden layer), default output", (3, 1), "relu", None, 5,
         np.float32, 1.0),
        ("two layers 4 → 6 → 2, tanh hidden, default output", (4, 6, 2), "tanh", None, 6,
         np.float32, 1.0),
        ("three layers 5 → 7 → 6 → 3, sigmoid hidden, softmax output", (5, 7, 6, 3),
         "sigmoid", "softmax", 4, np.float32, 1.0),
        ("four layers 3 → 8 → 8 → 4 → 1, ReLU hidden, sigmoid output", (3, 8, 8, 4, 1),
         "relu", "sigmoid", 7, np.float32, 1.0),
        ("two layers 4 → 5 → 3 with three sigmoid outputs (output_activation='sigmoid')",
         (4, 5, 3), "tanh", "sigmoid", 5, np.float32, 1.0),
        ("one example (m = 1), 6 → 4 → 3, ReLU hidden", (6, 4, 3), "relu", None, 1,
         np.float32, 1.0),
        ("large weights (weighted sums of several hundred), 4 → 5 → 3 → 1, sigmoid hidden",
         (4, 5, 3, 1), "sigmoid", None, 6, np.float32, 300.0),
        ("large weights, 4 → 5 → 3, softmax output", (4, 5, 3), "tanh", "softmax", 6,
         np.float32, 300.0),
        ("float64 parameters and X, 3 → 4 → 2, tanh hidden", (3, 4, 2), "tanh", None, 5,
         np.float64, 1.0),
    ]
    draw = hidden_rng(seed)
    if draw is not None:
        for _ in range(4):
            depth = int(draw.integers(1, 5))
            sizes = tuple(int(n) for n in draw.integers(1, 9, size=depth + 1))
            hidden = str(draw.choice(["relu", "tanh", "sigmoid"]))
            output = [None, "softmax", "sigmoid"][int(draw.integers(3))]
            specs.append((f"layer sizes {sizes}, {hidden} hidden, output {output}", sizes,
                          hidden, output, int(draw.integers(1, 10)), np.float32, 1.0))
        rng = draw
    cases = []
    for description, sizes, hidden, output, m, dtype, scale in specs:
        args = forward_case(sizes, hidden, output, m, rng, dtype, scale)
        cases.append(Case(description, args, expect_forward(*args)))
    run_property_check("forward_propagation", forward_propagation, cases,
                       exercise="lesson03-forward-propagation")


# --- count_parameters -----------------------------------------------------------------------

def check_count_parameters(count_parameters, *, seed=None):
    r"""Check the learner's ``count_parameters(layer_sizes)``: how many numbers a network
    with these layer sizes learns, $\sum_l (n_{l-1} n_l + n_l)$.

    layer_sizes: a list ``[n_0, n_1, ..., n_L]``; the answer is an integer.
    """
    sizes = [[2, 1], [3, 4, 2], [784, 128, 10], [10, 20, 30, 40, 5], [784, 1], [2, 2, 1]]
    draw = hidden_rng(seed)
    if draw is not None:
        sizes += [[int(n) for n in draw.integers(1, 1000, size=int(draw.integers(2, 6)))]
                  for _ in range(3)]
    cases = [
        Case(f"layer sizes {list(s)} ({len(s) - 1} layer{'s' * (len(s) > 2)})",
             (list(s),), reference_count(s))
        for s in sizes
    ]
    run_check("count_parameters", without_warnings(count_parameters, "counting needs only "
                                                   "whole numbers"), cases,
              exercise="lesson03-count-parameters", rtol=0, atol=0)
