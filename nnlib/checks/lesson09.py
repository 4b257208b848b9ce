r"""Checks for lesson 09, optimizers and hyperparameters: ``momentum_step`` and Adam's
``bias_correct``.

The momentum answers come from :class:`nnlib.optimizers.Momentum` (and
:class:`~nnlib.optimizers.SGD`), driven through their public ``step(parameters, grads)``. The
bias correction is checked against its formula and against :class:`~nnlib.optimizers.Adam`:
Adam's first step, built from the learner's correction, must move every parameter as nnlib's
does.

Every check is ``check_name(fn, *, seed=None)``: the visible cases, plus, with an int
``seed``, hidden cases of the same kinds drawn from ``np.random.default_rng(seed)``. A warning
raised by the learner's code counts as a failure.
"""

import numpy as np

from ..optimizers import SGD, Adam, Momentum
from .core import Case, run_check
from .strict import hidden_rng, require_function, without_warnings

HINTS = {
    "lesson09-momentum-step": (
        "Two updates, in this order: first the velocity forgets a little of its past (a factor "
        "mu) and takes a step against the new gradient; then the weights move by the new "
        "velocity.",
        "v <- mu v - alpha g, then w <- w + v (nnlib's convention: the velocity already holds "
        "the minus sign and the learning rate). Return the pair: the new weights and the new "
        "velocity.",
    ),
    "lesson09-bias-correct": (
        "v and s start at 0, so after t steps with a steady gradient g they are only a fraction "
        "of g and g^2: the fraction of the weight that the average has given to real gradients "
        "so far. Divide that fraction out.",
        "v_hat = v / (1 - rho1^t) and s_hat = s / (1 - rho2^t), element by element, with t the "
        "number of steps taken (t = 1 on the first step). Return the pair (v_hat, s_hat).",
    ),
}


def reference_momentum(w, grads, velocity, lr, mu):
    r"""``(w, velocity)`` after one :class:`~nnlib.optimizers.Momentum` step per gradient in
    ``grads`` ``(k, *w.shape)``, starting from ``w`` with the velocity ``velocity``.

    nnlib's optimizer starts from a zero velocity; its first step with the gradient
    $g_0 = -v / \alpha$ from $w - v$ lands on $w$ with velocity exactly $v$, so that is how a
    given starting velocity is set up.
    """
    w, velocity = np.asarray(w, np.float64), np.asarray(velocity, np.float64)
    optimizer = Momentum(lr, momentum=mu)
    parameters = {"w": w - velocity}
    optimizer.step(parameters, {"dw": -velocity / lr})
    for grad in grads:
        before = parameters["w"].copy()
        optimizer.step(parameters, {"dw": np.asarray(grad, np.float64)})
    return parameters["w"], parameters["w"] - before  # theta += v: the last change is v


def steps_of(momentum_step):
    """A function ``(w, grads, velocity, lr, mu) -> (w, velocity)`` that calls the learner's
    ``momentum_step`` once per gradient in ``grads`` ``(k, *w.shape)``, feeding back what it
    returns. Anything but a pair is passed on as it is, so the failure message shows it."""

    def call(w, grads, velocity, lr, mu):
        for grad in grads:
            result = momentum_step(w, grad, velocity, lr, mu)
            if result is None:
                return "nothing: did you forget to `return` the pair (w_new, velocity_new)?"
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                return result
            w, velocity = result
        return w, velocity

    return without_warnings(call)


def check_momentum_step(momentum_step, *, seed=None):
    r"""Check the learner's ``momentum_step(w, grad, velocity, lr, mu)``:

    $$v \leftarrow \mu v - \alpha g, \qquad w \leftarrow w + v$$

    w, grad, velocity: arrays of one shape; the answer is the pair ``(w_new, velocity_new)``.
    """
    require_function("momentum_step", momentum_step, "lesson09-momentum-step")
    rng = np.random.default_rng(9)
    w, grad, velocity = (rng.standard_normal((3, 2)) for _ in range(3))
    vector, vector_grad = rng.standard_normal(4), rng.standard_normal(4)
    sequence = rng.standard_normal((5, 3, 2))
    zero = np.zeros((3, 2))

    def case(description, w, grads, velocity, lr, mu):
        expected = reference_momentum(w, grads, velocity, lr, mu)
        return Case(description, (w, np.asarray(grads), velocity, lr, mu), expected)

    cases = [
        case("the first step (velocity 0, lr 0.1, mu 0.9) on a vector of shape (4,)",
             vector, [vector_grad], np.zeros(4), 0.1, 0.9),
        case("mu = 0 (no memory: the step is plain SGD)", w, [grad], zero, 0.05, 0.0),
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
    SGD(0.05).step(sgd, {"dw": grad})  # mu = 0 must give nnlib's SGD step
    assert np.allclose(cases[1].expected[0], sgd["w"])
    hidden = hidden_rng(seed)
    if hidden is not None:
        shape = tuple(int(n) for n in hidden.integers(1, 6, size=2))
        w_h, v_h = hidden.standard_normal(shape), hidden.standard_normal(shape)
        grads_h = hidden.standard_normal((int(hidden.integers(1, 5)), *shape))
        lr, mu = float(hidden.uniform(0.01, 0.5)), float(hidden.uniform(0.5, 0.99))
        cases.append(case(f"hidden: {len(grads_h)} steps on a {shape} array, lr {lr:.3f}, "
                          f"mu {mu:.3f}", w_h, grads_h, v_h, lr, mu))
    run_check("momentum_step", steps_of(momentum_step), cases, exercise="lesson09-momentum-step")


def bias_correct(v, s, t, rho1, rho2):
    r"""nnlib's answer to the exercise: Adam's bias correction
    $\hat v = v / (1 - \rho_1^t)$, $\hat s = s / (1 - \rho_2^t)$, element by element.

    v, s: the running averages of $g$ and $g^2$ (arrays of one shape); t: the number of steps
    taken, from 1. Returns ``(v_hat, s_hat)``."""
    return v / (1 - rho1**t), s / (1 - rho2**t)


def corrected(bias_correct):
    """A function ``(v, s, t, rho1, rho2, what) -> value`` that calls the learner's
    ``bias_correct`` and returns its pair (``what == "pair"``), or the step of Adam's first
    update built from it (``what == "adam step"``, compared with nnlib's :class:`Adam`)."""

    def call(v, s, t, rho1, rho2, what):
        if what == "pair":
            return bias_correct(v, s, t, rho1, rho2)
        g = v  # the first step: v = (1 - rho1) g, s = (1 - rho2) g^2, with g given as v
        result = bias_correct((1 - rho1) * g, (1 - rho2) * g**2, 1, rho1, rho2)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            return result
        v_hat, s_hat = (np.asarray(x, dtype=np.float64) for x in result)
        return -0.01 * v_hat / (np.sqrt(s_hat) + 1e-8)

    return without_warnings(call)


def adam_first_step(g, rho1, rho2):
    """The change nnlib's Adam (learning rate 0.01) makes to a parameter in its first step."""
    parameters = {"w": np.zeros_like(g)}
    Adam(0.01, beta1=rho1, beta2=rho2).step(parameters, {"dw": g})
    return parameters["w"]


def check_bias_correct(bias_correct, *, seed=None):
    r"""Check the learner's ``bias_correct(v, s, t, rho1, rho2)``: Adam's
    $\hat v = v / (1 - \rho_1^t)$ and $\hat s = s / (1 - \rho_2^t)$, returned as a pair."""
    require_function("bias_correct", bias_correct, "lesson09-bias-correct")
    rng = np.random.default_rng(5)
    v, s = rng.standard_normal((3, 4)), rng.random((3, 4))
    g = rng.standard_normal(6) * np.array([1e-4, 1e-2, 1, 10, 1e3, -5])

    def case(description, v, s, t, rho1, rho2):
        expected = (v / (1 - rho1**t), s / (1 - rho2**t))
        return Case(description, (v, s, t, rho1, rho2, "pair"), expected)

    cases = [
        case("t = 1 (the first step), rho1 = 0.9, rho2 = 0.999: v_hat is 10 v, s_hat 1000 s",
             v, s, 1, 0.9, 0.999),
        case("t = 2: 1 - rho^t is 0.19 and 0.001999", v, s, 2, 0.9, 0.999),
        case("t = 10, rho1 = 0.8, rho2 = 0.99 (each average has its own rho)", v, s, 10, 0.8,
             0.99),
        case("t = 5000: the correction has faded, v_hat = v and s_hat is s / (1 - 0.999^5000)",
             v, s, 5000, 0.9, 0.999),
        case("a vector of shape (6,), t = 3", g, g**2, 3, 0.9, 0.999),
        Case("Adam's first step built from your correction, learning rate 0.01, on gradients "
             "from 1e-4 to 1e3: every parameter moves by about 0.01 (compared with "
             "nnlib.optimizers.Adam)", (g, None, 1, 0.9, 0.999, "adam step"),
             adam_first_step(g, 0.9, 0.999)),
    ]
    hidden = hidden_rng(seed)
    if hidden is not None:
        shape = tuple(int(n) for n in hidden.integers(1, 6, size=2))
        t = int(hidden.integers(1, 50))
        rho1, rho2 = float(hidden.uniform(0.5, 0.95)), float(hidden.uniform(0.9, 0.9999))
        cases.append(case(f"hidden: t = {t}, rho1 = {rho1:.3f}, rho2 = {rho2:.4f}, shape "
                          f"{shape}", hidden.standard_normal(shape), hidden.random(shape), t,
                          rho1, rho2))
    run_check("bias_correct", corrected(bias_correct), cases, rtol=1e-6, atol=1e-12,
              exercise="lesson09-bias-correct")
