r"""Checks for lesson 09, optimizers and hyperparameters: ``momentum_step`` and
``count_parameters``.

The expected answers come from :class:`nnlib.optimizers.Momentum` (and
:class:`~nnlib.optimizers.SGD`), driven through their public ``step(parameters, grads)``, and
from the parameter dict of :func:`nnlib.initialization.initialize_parameters`.
"""

import numpy as np

from ..initialization import initialize_parameters
from ..optimizers import SGD, Momentum
from .core import Case, run_check, summarize


def reference_momentum(w, grads, velocity, lr, beta):
    r"""``(w, velocity)`` after one :class:`~nnlib.optimizers.Momentum` step per gradient in
    ``grads`` ``(k, *w.shape)``, starting from ``w`` with the velocity ``velocity``.

    nnlib's optimizer starts from a zero velocity; its first step with the gradient
    $g_0 = -v / \alpha$ from $w - v$ lands on $w$ with velocity exactly $v$, so that is how a
    given starting velocity is set up.
    """
    w, velocity = np.asarray(w, np.float64), np.asarray(velocity, np.float64)
    optimizer = Momentum(lr, momentum=beta)
    parameters = {"w": w - velocity}
    optimizer.step(parameters, {"dw": -velocity / lr})
    for grad in grads:
        before = parameters["w"].copy()
        optimizer.step(parameters, {"dw": np.asarray(grad, np.float64)})
    return parameters["w"], parameters["w"] - before  # theta += v: the last change is v


def steps_of(momentum_step):
    """A function ``(w, grads, velocity, lr, beta) -> (w, velocity)`` that calls the learner's
    ``momentum_step`` once per gradient in ``grads`` ``(k, *w.shape)``, feeding back what it
    returns. Anything but a pair is passed on as it is, so the failure message shows it."""

    def call(w, grads, velocity, lr, beta):
        for grad in grads:
            result = momentum_step(w, grad, velocity, lr, beta)
            if result is None:
                return "nothing: did you forget to `return` the pair (w_new, velocity_new)?"
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                return result
            w, velocity = result
        return w, velocity

    return call


def check_momentum_step(momentum_step):
    r"""Check the learner's ``momentum_step(w, grad, velocity, lr, beta)``:

    $$v \leftarrow \beta v - \alpha g, \qquad w \leftarrow w + v$$

    w, grad, velocity: arrays of one shape; the answer is the pair ``(w_new, velocity_new)``.
    """
    if not callable(momentum_step):  # run_check explains what was passed instead
        run_check("momentum_step", momentum_step, [], hint="")
    rng = np.random.default_rng(9)
    w, grad, velocity = (rng.standard_normal((3, 2)) for _ in range(3))
    vector, vector_grad = rng.standard_normal(4), rng.standard_normal(4)
    sequence = rng.standard_normal((5, 3, 2))
    zero = np.zeros((3, 2))

    def case(description, w, grads, velocity, lr, beta):
        expected = reference_momentum(w, grads, velocity, lr, beta)
        return Case(description, (w, np.asarray(grads), velocity, lr, beta), expected)

    cases = [
        case("the first step (velocity 0, lr 0.1, beta 0.9) on a vector of shape (4,)",
             vector, [vector_grad], np.zeros(4), 0.1, 0.9),
        case("beta = 0 (no memory: the step is plain SGD)", w, [grad], zero, 0.05, 0.0),
        case("a velocity carried over from earlier steps, W of shape (3, 2)",
             w, [grad], velocity, 0.1, 0.9),
        case("a zero gradient (the weights coast on the shrinking velocity)",
             w, [zero], velocity, 0.1, 0.5),
        case("large gradients (±1e4) with a small learning rate 1e-5",
             w, [1e4 * np.sign(grad)], velocity, 1e-5, 0.9),
        case("five steps on a fixed gradient sequence, feeding back (w, velocity)",
             w, sequence, zero, 0.01, 0.9),
    ]
    sgd = {"w": w.copy()}
    SGD(0.05).step(sgd, {"dw": grad})  # beta = 0 must give nnlib's SGD step
    assert np.allclose(cases[1].expected[0], sgd["w"])
    run_check("momentum_step", steps_of(momentum_step), cases,
              hint="first the velocity: velocity_new = beta * velocity - lr * grad; then the "
                   "weights: w_new = w + velocity_new. Return the pair (w_new, velocity_new) "
                   "(nnlib's convention: the velocity already holds the minus sign and lr).")


def check_count_parameters(count_parameters):
    r"""Check the learner's ``count_parameters(layer_sizes)``: the number of weights and
    biases of a fully connected network, $\sum_{l=1}^{L} (n_{l-1} n_l + n_l)$.

    layer_sizes: a list ``[n_0, n_1, ..., n_L]``; the answer is an int.
    """

    if not callable(count_parameters):  # run_check explains what was passed instead
        run_check("count_parameters", count_parameters, [], hint="")

    def expected(sizes):
        parameters = initialize_parameters(*sizes, method="zeros")
        return sum(value.size for value in parameters.values())

    def counted(sizes):
        result = count_parameters(list(sizes))
        if isinstance(result, (bool, np.bool_)) or not isinstance(
                result, (int, np.integer, float, np.floating, type(None))):
            return f"{summarize(result)} instead of a number"
        return result

    examples = [[2, 3, 1], [784, 10], [784, 128, 10], [784, 256, 128, 10], [4, 4, 4, 4, 4, 2]]
    cases = [Case(f"layer_sizes = {sizes}", (tuple(sizes),), expected(sizes))
             for sizes in examples]
    run_check("count_parameters", counted, cases,
              hint="layer l has a weight matrix W{l} of shape (n_{l-1}, n_l) and a bias b{l} "
                   "of shape (n_l,): add n_{l-1} * n_l + n_l over the layers l = 1..L, e.g. "
                   "with zip(layer_sizes[:-1], layer_sizes[1:]).", rtol=0, atol=0)
