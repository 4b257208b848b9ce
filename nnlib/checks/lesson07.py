r"""Checks for lesson 07, training on MNIST: ``normalize_images``, ``one_hot_encode``,
``update_ratio`` and the learner's mini-batch SGD loop ``train_sgd``.

The expected answers come from nnlib: ``load_mnist`` scales pixels as $x / 255$ into float32
rows of 784, :func:`~nnlib.data.one_hot` builds float32 one-hot rows, and the update ratio is
$\lVert \alpha\, dW_l \rVert / \lVert W_l \rVert$ per weight matrix. A training loop has no
single right answer (it is random), so its check measures what the loop does instead: it runs
it on small made-up data sets, watches which rows it takes from ``X``, and asks that it trains
(the cost falls, a held-out set is read well, 20 examples are learned by heart), that it uses
mini-batches in a new random order every epoch, the learning rate and the seed it is given,
and float32 throughout.

Every check is ``check_name(fn, *, seed=None)``: the visible cases, plus, with an int
``seed``, hidden cases of the same kinds drawn from ``np.random.default_rng(seed)``. A warning
(overflow, division by zero, ...) raised by the learner's code counts as a failure.
"""

import math

import numpy as np

from ..backprop import backward_propagation, update_parameters
from ..costs import compute_cost
from ..data import one_hot
from ..forward import forward_propagation, predict
from ..grading.wire import watched
from ..initialization import initialize_parameters
from ..metrics import accuracy
from .core import Case, run_check, summarize
from .strict import hidden_rng, require_function, warnings_as_errors, without_warnings

HINTS = {
    "lesson07-normalize-images": (
        "Do the lesson's three preparation steps in one go: lay each picture out as one row, "
        "switch to a type that can hold fractions, then bring every pixel into [0, 1].",
        "The result has shape (m, 784) whatever the input's shape, dtype float32, and "
        "x / 255 in every entry: 255 is the largest pixel a byte can hold, whatever the "
        "batch's own largest pixel is.",
    ),
    "lesson07-one-hot-encode": (
        "Start from a float32 table of zeros with one row per label and n_classes columns, "
        "then put a single 1 in every row.",
        "Y[i, k] = 1 exactly when y[i] = k. NumPy can set one entry in every row at once if "
        "you index with two arrays of the same length: the row numbers 0..m-1 and the labels.",
    ),
    "lesson07-update-ratio": (
        "Compare the size of the step gradient descent is about to take with the size of the "
        "weights it changes, one weight matrix at a time (the biases start at 0, so leave them "
        "out).",
        "For every key that starts with W: ratio = ||alpha dW|| / ||W||, both Frobenius norms "
        "(the square root of the sum of the squares, np.linalg.norm); the gradient of W1 is "
        "grads['dW1'].",
    ),
    "lesson07-train-sgd": (
        "One seeded generator does everything random: the initial weights and, at the start "
        "of every epoch, a new random order of the m examples. Then walk through that order "
        "batch_size rows at a time: gather the batch, forward, cost, backward, update.",
        "Per batch: rows = the next batch_size entries of the epoch's order; X_batch and Y_batch "
        "are X and Y at those rows; record the batch's cost before the update, then "
        "W_l <- W_l - alpha dW_l for every parameter. There are ceil(m / batch_size) steps per "
        "epoch.",
        "Use the lesson's functions: nnlib.initialize_parameters(*layer_sizes, rng=...), "
        "nnlib.forward_propagation, nnlib.compute_cost, nnlib.backward_propagation and "
        "nnlib.update_parameters. Never shuffle or copy the whole of X: index it once per batch.",
    ),
}


def measure(function):
    """A function ``(*args, what) -> array or flag`` that calls the learner's ``function(*args)``
    and returns its result (``what == "values"``) or whether that result is a float32 array
    (``what == "float32"``). Anything that is not an array is passed on as a description, so
    the failure message says what came back."""

    def call(*args):
        *args, what = args
        result = function(*args)
        if what == "values" or result is None:
            return result
        if not isinstance(result, np.ndarray):
            return summarize(result)
        return result.dtype == np.float32

    return without_warnings(call)


# ----------------------------------------------------------------------------- preparing MNIST


def scaled(raw):
    """The expected answer: ``raw`` ``(m, ...)`` as rows ``(m, 784)`` of $x / 255$."""
    return raw.reshape(len(raw), -1).astype(np.float64) / 255.0


def check_normalize_images(normalize_images, *, seed=None):
    r"""Check the learner's ``normalize_images(images)``: raw ``uint8`` pixels, shaped
    ``(m, 28, 28)`` or ``(m, 784)``, to float32 rows ``(m, 784)`` with values $x / 255$."""
    require_function("normalize_images", normalize_images, "lesson07-normalize-images")
    rng = np.random.default_rng(7)
    extremes = np.zeros((3, 28, 28), dtype=np.uint8)
    extremes[1] = 255
    extremes[2, ::2] = 255                                   # every other row full ink
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    dark = rng.integers(0, 121, size=(2, 28, 28), dtype=np.uint8)
    dark[0, 0, 0] = 120                                      # the brightest pixel is 120
    cases = [
        Case("3 images (3, 28, 28) of background (0) and full ink (255)", (extremes, "values"),
             scaled(extremes)),
        Case("5 random images (5, 28, 28)", (images, "values"), scaled(images)),
        Case("the same 5 images already flattened, shape (5, 784)",
             (images.reshape(5, 784), "values"), scaled(images)),
        Case("2 faint images whose brightest pixel is 120 (divide by 255, the largest possible "
             "pixel, not by the batch's largest)", (dark, "values"), scaled(dark)),
        Case("5 random images: the result is a float32 array (1 = yes, 0 = no)",
             (images, "float32"), True),
    ]
    hidden = hidden_rng(seed)
    if hidden is not None:
        m = int(hidden.integers(2, 9))
        raw = hidden.integers(0, int(hidden.integers(100, 256)), size=(m, 28, 28),
                              dtype=np.uint8)
        cases += [
            Case(f"{m} hidden random images ({m}, 28, 28)", (raw, "values"), scaled(raw)),
            Case(f"the same {m} images flattened, ({m}, 784)", (raw.reshape(m, -1), "values"),
                 scaled(raw)),
        ]
    run_check("normalize_images", measure(normalize_images), cases,
              exercise="lesson07-normalize-images")


def check_one_hot_encode(one_hot_encode, *, seed=None):
    r"""Check the learner's ``one_hot_encode(y, n_classes)``: integer labels ``(m,)`` to
    float32 rows ``(m, n_classes)`` with $Y_{ik} = 1$ if $y_i = k$, else 0."""
    require_function("one_hot_encode", one_hot_encode, "lesson07-one-hot-encode")
    labels = np.random.default_rng(7).integers(0, 10, size=100)
    small, ones, nine = np.array([0, 2, 1]), np.array([1, 1]), np.array([9, 0])
    cases = [
        Case("y = [0, 2, 1], n_classes = 3", (small, 3, "values"), one_hot(small, 3)),
        Case("y = [1, 1], n_classes = 10 (the number of columns is n_classes, whatever labels "
             "y holds)", (ones, 10, "values"), one_hot(ones, 10)),
        Case("y = [9, 0], n_classes = 10 (the last and the first class)", (nine, 10, "values"),
             one_hot(nine, 10)),
        Case("100 random labels 0..9, n_classes = 10", (labels, 10, "values"),
             one_hot(labels, 10)),
        Case("100 random labels: the result is a float32 array (1 = yes, 0 = no)",
             (labels, 10, "float32"), True),
    ]
    hidden = hidden_rng(seed)
    if hidden is not None:
        n_classes = int(hidden.integers(2, 12))
        y = hidden.integers(0, n_classes, size=int(hidden.integers(5, 40)))
        cases.append(Case(f"{len(y)} hidden labels, n_classes = {n_classes}",
                          (y, n_classes, "values"), one_hot(y, n_classes)))
    run_check("one_hot_encode", measure(one_hot_encode), cases,
              exercise="lesson07-one-hot-encode")


# ----------------------------------------------------------------------------- update ratio


def update_ratio(parameters, grads, learning_rate):
    r"""nnlib's answer to the exercise: $r_l = \lVert \alpha\, dW_l \rVert / \lVert W_l \rVert$
    (Frobenius norms, in float64) for every weight matrix, as ``{"W1": r_1, ...}``.
    parameters: ``{"W1": (n_0, n_1), "b1": (n_1,), ...}``; grads: ``{"dW1": ..., ...}``."""
    return {key: learning_rate * np.linalg.norm(grads[f"d{key}"].astype(np.float64))
            / np.linalg.norm(W.astype(np.float64))
            for key, W in parameters.items() if key.startswith("W")}


def network_and_gradients(rng, layer_sizes, m, scale=1.0):
    """A random float32 network ``layer_sizes``, its biases set to 0 and its gradients on a
    random batch of ``m`` examples: ``(parameters, grads)``."""
    parameters = {}
    for l, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        parameters[f"W{l}"] = (scale * rng.standard_normal((n_in, n_out))
                               * np.sqrt(2 / n_in)).astype(np.float32)
        parameters[f"b{l}"] = np.zeros(n_out, dtype=np.float32)
    X = rng.random((m, layer_sizes[0]), dtype=np.float32)
    y = rng.integers(0, layer_sizes[-1], size=m)
    _, cache = forward_propagation(X, parameters)
    return parameters, backward_propagation(parameters, cache, X, y)


def check_update_ratio(yours, *, seed=None):
    r"""Check the learner's ``update_ratio(parameters, grads, learning_rate)``: a dict
    ``{"W1": r_1, ...}`` with $r_l = \lVert \alpha\, dW_l \rVert / \lVert W_l \rVert$ for every
    weight matrix (Frobenius norms); the biases are left out."""
    require_function("update_ratio", yours, "lesson07-update-ratio")
    rng = np.random.default_rng(3)
    one = network_and_gradients(rng, (6, 3), 8)
    two = network_and_gradients(rng, (20, 16, 4), 32)
    course = network_and_gradients(rng, (784, 128, 10), 64)
    deep = network_and_gradients(rng, (30, 20, 20, 20, 5), 16, scale=0.5)
    cases = [
        Case("one layer 6 -> 3, alpha = 0.1", (*one, 0.1), update_ratio(*one, 0.1)),
        Case("two layers 20 -> 16 -> 4, alpha = 0.5 (biases all 0: leave them out)",
             (*two, 0.5), update_ratio(*two, 0.5)),
        Case("the course network 784 -> 128 -> 10, alpha = 0.2", (*course, 0.2),
             update_ratio(*course, 0.2)),
        Case("four layers, alpha = 0.01 (every weight matrix has its own ratio)",
             (*deep, 0.01), update_ratio(*deep, 0.01)),
    ]
    hidden = hidden_rng(seed)
    if hidden is not None:
        sizes = tuple(int(n) for n in hidden.integers(2, 40, size=int(hidden.integers(2, 5))))
        net = network_and_gradients(hidden, sizes, int(hidden.integers(4, 30)))
        lr = float(10 ** hidden.uniform(-3, 0))
        cases.append(Case(f"a hidden network {sizes}, alpha = {lr:.3g}", (*net, lr),
                          update_ratio(*net, lr)))
    run_check("update_ratio", without_warnings(yours), cases, rtol=1e-4, atol=1e-9,
              exercise="lesson07-update-ratio")


# ----------------------------------------------------------------------------- the training loop


def train_sgd(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
    r"""nnlib's answer to the exercise: mini-batch gradient descent with the lesson's functions.

    X: ``(m, n_0)``; Y: one-hot ``(m, n_L)``; layer_sizes: ``(n_0, ..., n_L)``. One generator
    from ``seed`` draws the initial weights and a new order of the rows every epoch; each batch
    of ``batch_size`` rows is gathered by index (no copy of the data set), and takes one step
    $W_l \leftarrow W_l - \alpha\, dW_l$. Returns ``(parameters, costs)``: the trained dict
    and the cost of every batch, measured before its update.
    """
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters(*layer_sizes, rng=rng)
    costs = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for first in range(0, len(X), batch_size):
            rows = order[first:first + batch_size]
            X_batch, Y_batch = X[rows], Y[rows]
            output, cache = forward_propagation(X_batch, parameters)
            costs.append(compute_cost(output, Y_batch))
            grads = backward_propagation(parameters, cache, X_batch, Y_batch)
            update_parameters(parameters, grads, learning_rate)
    return parameters, costs


def once(log):
    """A log of taken rows without immediate repeats (a batch taken twice in a row, say for the
    forward and the backward pass, counts once)."""
    kept = []
    for rows in log:
        if not (kept and not isinstance(rows, str) and not isinstance(kept[-1], str)
                and np.array_equal(rows, kept[-1])):
            kept.append(rows)
    return kept


def made_up_data(rng, m, n_features, n_classes, spread=0.35):
    """A classification problem a small network learns in a few epochs: ``n_classes`` random
    prototypes in $[0, 1]^{n}$ (faint, like MNIST pixels) and ``m`` noisy copies of them.
    Returns float32 ``X`` ``(m, n_features)``, one-hot ``Y`` ``(m, n_classes)``, labels ``y``."""
    prototypes = rng.random((n_classes, n_features)) * (rng.random((n_classes, n_features)) < 0.3)
    y = rng.integers(0, n_classes, size=m)
    X = np.clip(prototypes[y] + spread * rng.standard_normal((m, n_features)) * 0.5, 0, 1)
    return X.astype(np.float32), one_hot(y, n_classes), y


class Loop:
    """Runs the learner's ``train_sgd`` and reports what it did; every method returns a number
    or array to compare, or a string that describes what went wrong (so the failure message
    shows it)."""

    def __init__(self, train_sgd):
        self.train_sgd = train_sgd

    def run(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """``(parameters, costs, X_rows, Y_rows)`` or a description of a wrong result."""
        X_seen, Y_seen = watched(X.copy()), watched(Y.copy())
        with warnings_as_errors():
            result = self.train_sgd(X_seen, Y_seen, layer_sizes, epochs, batch_size,
                                    learning_rate, seed)
        if result is None:
            return "nothing: did you forget to `return` the trained parameters and the costs?"
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            return (f"{summarize(result)} instead of a pair: the parameter dict and the "
                    f"list of costs")
        parameters, costs = result
        expected = {f"{p}{l}" for l in range(1, len(layer_sizes)) for p in "Wb"}
        if not isinstance(parameters, dict) or set(parameters) != expected:
            keys = sorted(parameters) if isinstance(parameters, dict) else summarize(parameters)
            return f"parameters {keys} instead of a dict with keys {sorted(expected)}"
        try:
            costs = [float(cost) for cost in costs]
        except (TypeError, ValueError):
            return f"costs {summarize(costs)} instead of a list of numbers"
        if not all(math.isfinite(cost) for cost in costs):
            return "costs that are NaN or infinite (is the learning rate the one you were given?)"
        if not np.array_equal(X_seen.view(np.ndarray), X) or not np.array_equal(
                Y_seen.view(np.ndarray), Y):
            return "a changed X or Y: shuffle an array of row numbers, never the data itself"
        return parameters, costs, X_seen.rows, Y_seen.rows

    def __call__(self, what, *args):
        try:
            return getattr(self, what)(*args)
        except _Report as report:
            return str(report)

    def result(self, *args):
        outcome = self.run(*args)
        if isinstance(outcome, str):
            raise _Report(outcome)
        return outcome

    # Each measure below is one kind of case.

    def n_costs(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """The number of costs recorded: one per mini-batch step."""
        return len(self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[1])

    def batches(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """1 if every epoch gathers the m rows of X in a new random order, ``batch_size`` at a
        time, each batch by index and Y's rows with X's; else what the loop did instead."""
        *_, X_rows, Y_rows = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate,
                                         seed)
        X_rows, Y_rows = once(X_rows), once(Y_rows)
        m = len(X)
        if not X_rows:
            return ("a loop that never took rows from X by index: gather each mini-batch "
                    "as X[rows] with an array of row numbers")
        if any(isinstance(rows, str) for rows in X_rows):
            return ("rows taken from X in their stored order (a slice): take them in a new "
                    "random order every epoch, through an array of row numbers")
        sizes = [len(rows) for rows in X_rows]
        if max(sizes) > batch_size:
            return (f"{max(sizes)} rows of X taken at once with batch_size {batch_size}: "
                    f"gather one mini-batch at a time, never a shuffled copy of the whole of X")
        if len(Y_rows) != len(X_rows) or any(
                isinstance(a, str) or not np.array_equal(a, b) for a, b in zip(Y_rows, X_rows)):
            return "Y's rows taken differently from X's: gather X and Y with the same rows"
        epochs_seen = np.concatenate(X_rows)
        if len(epochs_seen) != epochs * m:
            return (f"{len(epochs_seen)} rows taken from X in {epochs} epochs of {m} examples: "
                    f"every example once per epoch")
        orders = epochs_seen.reshape(epochs, m)
        for epoch, order in enumerate(orders, start=1):
            if not np.array_equal(np.sort(order), np.arange(m)):
                return (f"epoch {epoch} took some examples twice and missed others: walk "
                        f"through one permutation of the m examples")
        if np.array_equal(orders[0], np.arange(m)):
            return "the examples in their stored order: shuffle them"
        if epochs > 1 and any(np.array_equal(orders[0], order) for order in orders[1:]):
            return "the same order in every epoch: draw a new random order for each epoch"
        return 1

    def same_seed(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """The largest difference between two runs with the same seed (0 if reproducible)."""
        first = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[0]
        again = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[0]
        return max(float(np.max(np.abs(first[k] - again[k]))) for k in first)

    def other_seed(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """1 if another seed gives other weights (the seed is used), else 0."""
        first = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[0]
        other = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed + 1)[0]
        return int(any(not np.array_equal(first[k], other[k]) for k in first))

    def float32(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """1 if every parameter comes back float32."""
        parameters = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[0]
        wrong = {k: v.dtype.name for k, v in parameters.items()
                 if getattr(v, "dtype", None) != np.float32}
        return 1 if not wrong else f"parameters of dtype {wrong}"

    def step_over_gradient(self, X, Y, layer_sizes, learning_rate, seed):
        r"""One full-batch step, taken with $\alpha$ and with $2\alpha$ from the same seed:
        $P(\alpha) = P_0 - \alpha g$ gives back $P_0$ and $g$. Returns
        $\lVert g \rVert / \lVert \nabla J(P_0) \rVert$ (1 if the step is $\alpha$ times the
        gradient) when $g$ points along the gradient, else a description."""
        m = len(X)
        one = self.result(X, Y, layer_sizes, 1, m, learning_rate, seed)[0]
        two = self.result(X, Y, layer_sizes, 1, m, 2 * learning_rate, seed)[0]
        start = {k: 2 * one[k].astype(np.float64) - two[k] for k in one}
        step = {k: (one[k].astype(np.float64) - two[k]) / learning_rate for k in one}
        _, cache = forward_propagation(X.astype(np.float64), start)
        true = backward_propagation(start, cache, X.astype(np.float64), Y.astype(np.float64))
        g = np.concatenate([step[k].ravel() for k in sorted(step)])
        d = np.concatenate([true[f"d{k}"].ravel() for k in sorted(step)])
        cosine = float(g @ d / (np.linalg.norm(g) * np.linalg.norm(d) + 1e-300))
        if cosine < 0.999:
            direction = "against" if cosine < -0.999 else "away from"
            return (f"a step that points {direction} the gradient (cosine {cosine:.3f}): "
                    f"W <- W - alpha dW, with the gradient of this batch")
        return round(float(np.linalg.norm(g) / np.linalg.norm(d)), 4)

    def first_cost(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """The first recorded cost, rounded to 0.1 if it lies within 0.4 of $\\ln C$."""
        cost = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[1][0]
        target = math.log(Y.shape[1])
        return round(target, 4) if abs(cost - target) <= 0.4 else round(cost, 4)

    def cost_falls(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """1 if the mean of the last few costs is below half the mean of the first few."""
        costs = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[1]
        k = max(1, len(costs) // 10)
        start, end = np.mean(costs[:k]), np.mean(costs[-k:])
        return 1 if end < 0.5 * start else (
            f"a cost that went from {start:.3f} (first steps) to {end:.3f} (last steps)")

    def held_out(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed, X_test,
                 y_test, threshold):
        """``threshold`` if the trained network reads the held-out set at least that well."""
        parameters = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[0]
        score = accuracy(y_test, predict(X_test, parameters))
        return threshold if score >= threshold else round(score, 4)

    def memorized(self, X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        """The last cost, rounded to 0 if it is below 0.05: a loop that works learns 20
        examples by heart."""
        cost = self.result(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)[1][-1]
        return 0.0 if cost < 0.05 else round(cost, 4)


class _Report(Exception):
    """A wrong result, described; the case's measure returns the description."""


def check_train_sgd(train_sgd, *, seed=None):
    r"""Check the learner's ``train_sgd(X, Y, layer_sizes, epochs, batch_size, learning_rate,
    seed)``: mini-batch gradient descent from ``nnlib.initialize_parameters(*layer_sizes)``,
    a new random order of the examples every epoch, one step per batch of ``batch_size`` rows.

    X: ``(m, n_0)`` float32; Y: one-hot ``(m, n_L)``. Returns ``(parameters, costs)``: the
    trained parameter dict and the cost of every mini-batch, measured before its update.
    """
    require_function("train_sgd", train_sgd, "lesson07-train-sgd")
    rng = np.random.default_rng(11)
    X, Y, _ = made_up_data(rng, 150, 12, 3)
    X_big, Y_big, y_big = made_up_data(rng, 800, 64, 10)
    X_tiny = rng.random((20, 64), dtype=np.float32) * (rng.random((20, 64)) < 0.3)
    Y_tiny = one_hot(rng.integers(0, 10, size=20), 10)
    small = (X, Y, (12, 8, 3))
    train, test = slice(0, 600), slice(600, 800)
    big = (X_big[train], Y_big[train], (64, 32, 10))
    cases = [
        Case("150 examples, layers (12, 8, 3), 3 epochs of batches of 32: the number of costs "
             "(one per mini-batch: 3 epochs x 5 batches)", ("n_costs", *small, 3, 32, 0.1, 0),
             15),
        Case("150 examples, 3 epochs of batches of 32: each epoch takes every row once, in a "
             "new random order, 32 rows at a time (1 = yes)", ("batches", *small, 3, 32, 0.1, 0),
             1),
        Case("150 examples, 2 epochs of batches of 150: each epoch takes every row once in a "
             "new random order (1 = yes)", ("batches", *small, 2, 150, 0.1, 1), 1),
        Case("two runs with the same seed: the largest difference between their weights "
             "(use the seed you are given, for everything random)",
             ("same_seed", *small, 2, 16, 0.1, 3), 0.0),
        Case("runs with seeds 3 and 4 give different weights (1 = yes): draw everything "
             "random from the seed you are given", ("other_seed", *small, 1, 16, 0.1, 3), 1),
        Case("the parameters come back float32 (1 = yes)", ("float32", *small, 1, 50, 0.1, 0),
             1),
        Case("one full-batch step with alpha = 0.1 and one with 0.2 from the same start: the "
             "step divided by alpha, over the gradient (1 = a step of alpha times the gradient)",
             ("step_over_gradient", *small, 0.1, 5), 1.0),
        Case(f"800 made-up examples of 10 classes: the first cost, before any update (a fresh "
             f"network guesses about evenly, so it is close to ln 10 = {math.log(10):.4f})",
             ("first_cost", *big, 1, 32, 0.2, 0), round(math.log(10), 4)),
        Case("600 examples, 10 epochs, alpha = 0.2: the cost falls (the last steps' cost is "
             "below half the first steps', 1 = yes)", ("cost_falls", *big, 10, 32, 0.2, 0), 1),
        Case("600 examples, 10 epochs, alpha = 0.2: the accuracy on 200 held-out examples is "
             "at least 0.9", ("held_out", *big, 10, 32, 0.2, 0, X_big[test], y_big[test], 0.9),
             0.9),
        Case("20 examples with random labels, 150 epochs of batches of 10, alpha = 0.5: the "
             "last cost is about 0 (a working loop learns 20 examples by heart)",
             ("memorized", X_tiny, Y_tiny, (64, 64, 10), 150, 10, 0.5, 0), 0.0),
    ]
    hidden = hidden_rng(seed)
    if hidden is not None:
        m, n, C = int(hidden.integers(40, 120)), int(hidden.integers(5, 20)), int(
            hidden.integers(2, 6))
        Xh, Yh, _ = made_up_data(hidden, m, n, C)
        sizes = (n, int(hidden.integers(4, 16)), C)
        batch, epochs, s = int(hidden.integers(5, 33)), int(hidden.integers(1, 4)), int(
            hidden.integers(0, 1000))
        lr = float(hidden.uniform(0.05, 0.3))
        n_steps = epochs * math.ceil(m / batch)
        cases += [
            Case(f"hidden: {m} examples, layers {sizes}, {epochs} epochs of batches of {batch}: "
                 f"the number of costs", ("n_costs", Xh, Yh, sizes, epochs, batch, lr, s),
                 n_steps),
            Case(f"hidden: {m} examples, {epochs} epochs of batches of {batch}: every row once "
                 f"per epoch, in a new random order (1 = yes)",
                 ("batches", Xh, Yh, sizes, epochs, batch, lr, s), 1),
            Case(f"hidden: one full-batch step with alpha = {lr:.3f}: the step over alpha times "
                 f"the gradient", ("step_over_gradient", Xh, Yh, sizes, lr, s), 1.0),
        ]
    run_check("train_sgd", Loop(train_sgd), cases, rtol=2e-3, atol=0.0,
              exercise="lesson07-train-sgd")
