r"""Optimizers and learning-rate schedules (lesson 09).

An optimizer turns the gradients $g = \partial J / \partial \theta$ of one mini-batch into a
change of the parameters $\theta$ (every ``W{l}`` and ``b{l}``). Each one is a small class
because it keeps state between steps (velocities, moment estimates, the step count):

| optimizer  | update                                                                   |
|------------|--------------------------------------------------------------------------|
| SGD        | $\theta \leftarrow \theta - \alpha g$                                    |
| Momentum   | $v \leftarrow \mu v - \alpha g, \quad \theta \leftarrow \theta + v$       |
| Adam       | $\theta \leftarrow \theta - \alpha\, \hat m / (\sqrt{\hat v} + \epsilon)$ |

``step(parameters, grads)`` changes the arrays of ``parameters`` in place (so ``model.parameters``
and any reference to ``W1`` see the new values) and never modifies ``grads``. It is made of two
halves: :meth:`Optimizer.changes` computes the change $\Delta\theta$ of every parameter (so a
training loop can look at it before applying it), then ``theta += change``. The updates are
written with NumPy's in-place operators and ``out=`` arguments into one scratch array per
parameter, so a step allocates no new arrays.

A schedule changes the learning rate from epoch to epoch: :func:`step_decay` and
:func:`cosine_decay`, looked up by name with :func:`get_schedule`.
"""

import math

import numpy as np

from ._validation import check_choice, check_positive


class Optimizer:
    """The shared part of every optimizer: a learning rate, a step count, scratch arrays.

    Subclasses implement ``update(g, scratch, *state)``, which returns the change of one
    parameter array (written into ``scratch`` or a state array).
    """

    def __init__(self, learning_rate):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.t = 0
        self.state = {}

    def step(self, parameters, grads):
        """Update every array of ``parameters`` in place from ``grads`` (``"dW1"`` for
        ``"W1"``...). Returns ``parameters``. Raises ``KeyError`` for a missing gradient."""
        for key, change in self.changes(parameters, grads).items():
            parameters[key] += change
        return parameters

    def changes(self, parameters, grads):
        r"""The change $\Delta\theta$ of every parameter for one step, ``{"W1": ..., ...}``
        (the new value is ``theta + change``), without changing ``parameters``. It advances the
        optimizer's state (step count, velocities, moments), so apply the changes or discard
        the optimizer. Each change is a scratch array that the next call overwrites."""
        self.t += 1
        changes = {}
        for key, theta in parameters.items():
            g = grads.get(f"d{key}")
            if g is None:
                raise KeyError(f"grads has no 'd{key}': pass the dict from backward_propagation.")
            if key not in self.state or self.state[key][0].shape != theta.shape:
                self.state[key] = self.new_state(theta)
            changes[key] = self.update(g, *self.state[key])
        return changes

    def new_state(self, theta):
        """The per-parameter arrays this optimizer keeps; the first is always scratch space."""
        return (np.empty_like(theta),)

    def update(self, g, scratch, *state):
        """The change of one parameter array from its gradient ``g`` (an array of this
        optimizer's state, usually ``scratch``)."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate:g})"


class SGD(Optimizer):
    r"""Plain (mini-batch) gradient descent: $\theta \leftarrow \theta - \alpha g$."""

    def update(self, g, scratch):
        return np.multiply(g, -self.learning_rate, out=scratch)     # -alpha g


class Momentum(Optimizer):
    r"""Classical momentum (Polyak 1964; Sutskever et al. 2013): a velocity $v$ (starting at 0)
    accumulates past gradients, so steps grow along consistent directions and oscillations
    across a ravine cancel out.

    $$v \leftarrow \mu v - \alpha g, \qquad \theta \leftarrow \theta + v$$

    ``momentum``: $\mu$ in $[0, 1)$, default 0.9.
    """

    def __init__(self, learning_rate, momentum=0.9):
        super().__init__(learning_rate)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}.")
        self.momentum = momentum

    def new_state(self, theta):
        return np.empty_like(theta), np.zeros_like(theta)

    def update(self, g, scratch, v):
        v *= self.momentum
        np.multiply(g, self.learning_rate, out=scratch)
        v -= scratch
        return v

    def __repr__(self):
        return f"Momentum(learning_rate={self.learning_rate:g}, momentum={self.momentum:g})"


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015): momentum on the gradient and a per-parameter step size from
    a running average of its square, both bias-corrected for their start at 0.

    $$m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2) g^2$$
    $$\hat m = \frac{m}{1 - \beta_1^t}, \quad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
    \theta \leftarrow \theta - \alpha \frac{\hat m}{\sqrt{\hat v} + \epsilon}$$

    with $t$ the number of steps taken. The code folds the two corrections into the step size,
    $\alpha_t = \alpha \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)$ and
    $\hat\epsilon = \epsilon \sqrt{1 - \beta_2^t}$, so that
    $\theta \leftarrow \theta - \alpha_t\, m / (\sqrt{v} + \hat\epsilon)$: the same update
    with fewer passes over the arrays.
    """

    def __init__(self, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must lie in [0, 1), got {value!r}.")
        self.beta1, self.beta2 = beta1, beta2
        self.epsilon = check_positive(epsilon, "epsilon")

    def new_state(self, theta):
        return np.empty_like(theta), np.zeros_like(theta), np.zeros_like(theta)

    def update(self, g, scratch, m, v):
        correction2 = math.sqrt(1.0 - self.beta2 ** self.t)
        step_size = self.learning_rate * correction2 / (1.0 - self.beta1 ** self.t)
        np.subtract(g, m, out=scratch)            # m += (1 - beta1) (g - m)
        scratch *= 1.0 - self.beta1
        m += scratch
        np.multiply(g, g, out=scratch)            # v += (1 - beta2) (g^2 - v)
        scratch -= v
        scratch *= 1.0 - self.beta2
        v += scratch
        np.sqrt(v, out=scratch)                   # change = -step_size m / (sqrt(v) + eps_hat)
        scratch += self.epsilon * correction2
        np.divide(m, scratch, out=scratch)
        scratch *= -step_size
        return scratch

    def __repr__(self):
        return (f"Adam(learning_rate={self.learning_rate:g}, beta1={self.beta1:g}, "
                f"beta2={self.beta2:g}, epsilon={self.epsilon:g})")


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
DEFAULT_LEARNING_RATES = {"sgd": 0.1, "momentum": 0.01, "adam": 1e-3}


def get_optimizer(name, learning_rate=None, **options):
    r"""Build an optimizer by name: ``"sgd"``, ``"momentum"`` or ``"adam"``.

    ``learning_rate``: default 0.1 for SGD, 0.01 for momentum, 0.001 for Adam. ``options``
    go to the class (``momentum=``; ``beta1=``, ``beta2=``, ``epsilon=``). An
    :class:`Optimizer` instance is returned as it is. Raises ``ValueError`` for an unknown name
    or a learning rate $\le 0$.
    """
    if isinstance(name, Optimizer):
        return name
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a name or an Optimizer, got {type(name).__name__}.")
    name = check_choice(name.lower(), "optimizer", OPTIMIZERS)
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES[name]
    return OPTIMIZERS[name](learning_rate, **options)


def step_decay(epoch, learning_rate, drop=0.5, every=5):
    r"""Step decay: multiply the rate by ``drop`` every ``every`` epochs.

    $$\alpha_e = \alpha_0 \cdot d^{\lfloor e / k \rfloor}$$

    ``epoch``: $e$, counted from 0. Returns the learning rate for that epoch.
    """
    return learning_rate * drop ** (epoch // every)


def cosine_decay(epoch, learning_rate, epochs, min_learning_rate=0.0):
    r"""Cosine decay from $\alpha_0$ towards $\alpha_{min}$ over ``epochs`` epochs
    (Loshchilov & Hutter 2017, without restarts).

    $$\alpha_e = \alpha_{min} + \tfrac12 (\alpha_0 - \alpha_{min})
    \left(1 + \cos \frac{\pi e}{E}\right)$$

    ``epoch``: $e$ from 0 to $E - 1$, so even the last epoch has a positive rate.
    """
    progress = min(epoch, epochs) / epochs
    return min_learning_rate + 0.5 * (learning_rate - min_learning_rate) * (
        1.0 + math.cos(math.pi * progress))


SCHEDULES = ("step", "cosine")


def get_schedule(schedule, learning_rate, epochs):
    """A function ``epoch -> learning rate`` (epoch counted from 0).

    ``schedule``: ``None`` (constant rate), ``"step"`` (halve every 5 epochs), ``"cosine"``
    (decay to 0 over ``epochs``), or your own callable ``f(epoch) -> learning rate``.
    Raises ``ValueError`` for an unknown name.
    """
    if schedule is None:
        return lambda epoch: learning_rate
    if callable(schedule):
        return schedule
    check_choice(schedule, "schedule", SCHEDULES)
    if schedule == "step":
        return lambda epoch: step_decay(epoch, learning_rate)
    return lambda epoch: cosine_decay(epoch, learning_rate, epochs)
