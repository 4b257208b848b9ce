"""Optimizers against steps computed by hand, and the learning-rate schedules."""

import math

import numpy as np
import pytest

from nnlib.optimizers import (
    SGD,
    Adam,
    Momentum,
    cosine_decay,
    get_optimizer,
    get_schedule,
    step_decay,
)


def one_parameter(value):
    return {"W1": np.array(value, dtype=np.float32)}


def test_sgd_step_subtracts_learning_rate_times_gradient():
    parameters = one_parameter([1.0, -2.0])
    SGD(0.5).step(parameters, {"dW1": np.array([0.2, -0.4], dtype=np.float32)})
    np.testing.assert_allclose(parameters["W1"], [0.9, -1.8])


def test_momentum_two_steps_match_hand_computation():
    # v1 = -0.1 * 1 = -0.1, theta1 = 1 - 0.1 = 0.9
    # v2 = 0.9 * (-0.1) - 0.1 * 2 = -0.29, theta2 = 0.9 - 0.29 = 0.61
    parameters = one_parameter([1.0])
    optimizer = Momentum(0.1, momentum=0.9)
    optimizer.step(parameters, {"dW1": np.array([1.0], dtype=np.float32)})
    np.testing.assert_allclose(parameters["W1"], [0.9], rtol=1e-6)
    optimizer.step(parameters, {"dW1": np.array([2.0], dtype=np.float32)})
    np.testing.assert_allclose(parameters["W1"], [0.61], rtol=1e-6)


def test_adam_two_steps_match_hand_computation():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    g1, g2 = 0.5, -1.0
    m1, v1 = (1 - b1) * g1, (1 - b2) * g1 ** 2
    theta1 = 1.0 - lr * (m1 / (1 - b1)) / (math.sqrt(v1 / (1 - b2)) + eps)
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2 ** 2
    theta2 = theta1 - lr * (m2 / (1 - b1 ** 2)) / (math.sqrt(v2 / (1 - b2 ** 2)) + eps)

    parameters = {"W1": np.array([1.0], dtype=np.float64)}
    optimizer = Adam(lr, b1, b2, eps)
    optimizer.step(parameters, {"dW1": np.array([g1])})
    np.testing.assert_allclose(parameters["W1"], [theta1], rtol=1e-12)
    optimizer.step(parameters, {"dW1": np.array([g2])})
    np.testing.assert_allclose(parameters["W1"], [theta2], rtol=1e-12)


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    parameters = one_parameter([0.0, 0.0, 0.0])
    Adam(0.01).step(parameters, {"dW1": np.array([3.0, -0.002, 50.0], dtype=np.float32)})
    np.testing.assert_allclose(parameters["W1"], [-0.01, 0.01, -0.01], rtol=1e-4)


@pytest.mark.parametrize("optimizer", [SGD(0.1), Momentum(0.1), Adam(0.1)], ids=repr)
def test_step_updates_arrays_in_place_and_leaves_gradients_alone(optimizer):
    W = np.ones((2, 3), dtype=np.float32)
    grads = {"dW1": np.full((2, 3), 0.5, dtype=np.float32)}
    parameters = optimizer.step({"W1": W}, grads)
    assert parameters["W1"] is W
    assert W.dtype == np.float32
    assert np.all(W < 1)
    np.testing.assert_array_equal(grads["dW1"], 0.5)


def test_step_without_a_gradient_raises_key_error():
    with pytest.raises(KeyError, match="dW1"):
        SGD(0.1).step(one_parameter([1.0]), {"db1": np.zeros(1)})


def test_get_optimizer_builds_each_optimizer_with_its_default_learning_rate():
    assert isinstance(get_optimizer("sgd"), SGD)
    assert isinstance(get_optimizer("Momentum"), Momentum)
    adam = get_optimizer("adam")
    assert isinstance(adam, Adam) and adam.learning_rate == 1e-3
    assert get_optimizer("adam", 0.05, beta1=0.8).beta1 == 0.8


def test_get_optimizer_returns_an_optimizer_instance_unchanged():
    optimizer = Adam(0.01)
    assert get_optimizer(optimizer) is optimizer


def test_get_optimizer_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'.*adam"):
        get_optimizer("rmsprop")


@pytest.mark.parametrize("learning_rate", [0, -0.1, float("nan")])
def test_get_optimizer_rejects_a_learning_rate_that_is_not_positive(learning_rate):
    with pytest.raises(ValueError, match="learning_rate"):
        get_optimizer("sgd", learning_rate)


def test_step_decay_halves_the_rate_every_five_epochs():
    rates = [step_decay(epoch, 0.1) for epoch in range(11)]
    assert rates[:5] == [0.1] * 5
    assert rates[5:10] == [0.05] * 5
    assert rates[10] == 0.025


def test_cosine_decay_starts_at_the_rate_halves_midway_and_ends_near_zero():
    assert cosine_decay(0, 0.1, 10) == 0.1
    assert cosine_decay(5, 0.1, 10) == pytest.approx(0.05)
    rates = [cosine_decay(epoch, 0.1, 10) for epoch in range(10)]
    assert all(a > b for a, b in zip(rates, rates[1:]))
    assert 0 < rates[-1] < 0.003


def test_get_schedule_gives_constant_named_and_custom_schedules():
    assert get_schedule(None, 0.1, 10)(7) == 0.1
    assert get_schedule("step", 0.1, 10)(5) == 0.05
    assert get_schedule("cosine", 0.1, 10)(5) == pytest.approx(0.05)
    assert get_schedule(lambda epoch: 1.0 / (epoch + 1), 0.1, 10)(3) == 0.25


def test_get_schedule_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="unknown schedule 'linear'"):
        get_schedule("linear", 0.1, 10)
