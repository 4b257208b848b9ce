"""What travels between the grader and a learner's kernel: values come back as they left,
anything that could run code when read is refused, and the kernel's side of a call reports
results, errors, warnings, writes into arguments and calls of nnlib's functions."""

import base64
import io
import json
import pickle
import warnings

import numpy as np
import pytest

import nnlib.activations
from nnlib.checks.core import CheckFailed
from nnlib.grading import wire
from nnlib.grading.grader import references
from nnlib.grading.kernel import KernelFunction


def roundtrip(value):
    return wire.loads(wire.dumps(value))


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 0.25, "text", [1, [2, "x"]], {"W1": 1, 2: "b"},
])
def test_plain_values_come_back_equal(value):
    assert roundtrip(value) == value


def test_tuples_dicts_and_arrays_keep_their_kind_shape_and_dtype():
    value = ({"W1": np.arange(6, dtype=np.float32).reshape(2, 3), "b1": np.zeros(3)},
             np.array([True, False]), np.uint8(7), np.float64(0.5))
    back = roundtrip(value)
    assert isinstance(back, tuple) and isinstance(back[0], dict)
    assert back[0]["W1"].dtype == np.float32 and back[0]["W1"].shape == (2, 3)
    np.testing.assert_array_equal(back[0]["W1"], value[0]["W1"])
    assert back[1].dtype == bool and back[2] == 7 and back[2].dtype == np.uint8
    assert isinstance(back[3], np.float64)


def test_string_arrays_travel_as_npy_without_pickle():
    names = np.array(["relu", "sigmoid"])
    back = roundtrip({"activations": names})["activations"]
    assert back.dtype == names.dtype and list(back) == ["relu", "sigmoid"]


def test_non_finite_floats_travel_without_nan_literals_in_the_json():
    text = wire.dumps([float("nan"), float("inf"), np.array([np.nan, -np.inf])])
    assert "NaN" not in text and "Infinity" not in text
    back = wire.loads(text)
    assert np.isnan(back[0]) and back[1] == float("inf") and np.isneginf(back[2][1])


def test_a_generator_arrives_at_the_same_point_of_its_stream():
    rng = np.random.default_rng(11)
    rng.random(5)
    copy = roundtrip(rng)
    assert copy is not rng
    np.testing.assert_array_equal(copy.standard_normal(4), rng.standard_normal(4))


def test_nnlib_and_numpy_functions_travel_by_name():
    assert roundtrip(nnlib.activations.relu) is nnlib.activations.relu
    assert roundtrip(np.tanh) is np.tanh


@pytest.mark.parametrize("value", [object(), lambda x: x, print, {1.5: 2}, {"a": {None: 1}},
                                   np.array([object()], dtype=object), 1j, {1, 2}])
def test_anything_else_is_refused_with_what_was_given(value):
    with pytest.raises(wire.WireError, match="cannot be sent|can be sent by name|dict keys"):
        wire.dumps(value)


def test_a_result_may_not_be_a_function():
    with pytest.raises(wire.WireError):
        wire.dumps(nnlib.activations.relu, functions=False)


def pickled_array_text():
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("text", [
    json.dumps({"__ndarray__": pickled_array_text()}),
    json.dumps({"__pickle__": base64.b64encode(pickle.dumps([1])).decode()}),
    json.dumps({"__function__": "os:system"}),
    json.dumps({"__function__": "nnlib.activations:relu"}),  # refused where functions=False
    json.dumps({"__generator__": {"__dict__": [["bit_generator", "Evil"]]}}),
    json.dumps({"__tuple__": [1], "__dict__": []}),
    "[NaN]",
    "{not json",
])
def test_the_kernels_answer_is_never_unpickled_and_anything_odd_is_refused(text):
    with pytest.raises(wire.WireError):
        wire.loads(text, functions=False)


def test_a_function_reference_outside_nnlib_and_numpy_is_refused():
    with pytest.raises(wire.WireError, match="refused a function reference 'os:system'"):
        wire.loads(json.dumps({"__function__": "os:system"}))


def serve(function, *args, watched=()):
    return json.loads(wire.serve(function, wire.dumps({"args": list(args), "kwargs": {}}),
                                 watched))


def test_serve_returns_the_result_and_the_arguments_as_the_function_left_them():
    def scale(x):
        x *= 2
        return x.sum()

    reply = serve(scale, np.array([1.0, 2.0]))
    assert wire.decode(reply["result"]) == 6.0
    np.testing.assert_array_equal(wire.decode(reply["args"])[0], [2.0, 4.0])


def test_serve_reports_an_exception_with_its_type_and_message():
    def unfinished(x):
        raise NotImplementedError("the first hint")

    reply = serve(unfinished, 1)
    assert reply["error"] == {"type": "NotImplementedError", "message": "the first hint",
                              "builtin": True}


def test_serve_records_warnings_even_when_the_notebook_silenced_numpy():
    old = np.seterr(all="ignore")
    try:
        reply = serve(lambda z: 1 / (1 + np.exp(-z)), np.array([-1000.0]))
    finally:
        np.seterr(**old)
    assert [w["category"] for w in reply["warnings"]] == ["RuntimeWarning"]
    assert "overflow" in reply["warnings"][0]["message"]


def test_serve_refuses_a_result_it_cannot_send():
    reply = serve(lambda: object())
    assert reply["error"]["type"] == "WireError"
    assert reply["error"]["message"].startswith("the grader cannot receive what it returned")


def test_serve_sees_which_watched_nnlib_function_ran():
    watched = ["nnlib.activations:sigmoid"]
    calls = serve(lambda z: nnlib.activations.sigmoid(z), np.zeros(2), watched=watched)
    assert calls["calls"] == watched
    assert serve(lambda z: 1 / (1 + np.exp(-z)), np.zeros(2), watched=watched)["calls"] == []


def test_references_are_the_nnlib_functions_the_check_computes_its_answers_with():
    from grading_fixture_checks import check_squash

    from nnlib.checks.lesson03 import check_forward_propagation

    assert "nnlib.activations:sigmoid" in references(check_squash, "squash")
    found = references(check_forward_propagation, "forward_propagation")
    assert "nnlib.forward:forward_propagation" in found
    assert not [name for name in found if name.startswith(("nnlib.checks", "nnlib.grading"))]


class FakeSession:
    """Runs ``serve`` in this process, as a kernel would."""

    def __init__(self, function):
        self.function = function
        self.kept = {}

    def call(self, exercise_id, args, kwargs, watched=(), target=None):
        request = wire.dumps({"args": list(args), "kwargs": dict(kwargs), "target": target})
        return json.loads(wire.serve(self.function, request, watched, self.kept))


def test_the_stand_in_raises_what_the_function_raised_with_its_type():
    def broken(x):
        raise ValueError("shapes (1,3) and (4,3) not aligned")

    proxy = KernelFunction(FakeSession(broken), "ex", "broken")
    with pytest.raises(ValueError, match="not aligned"):
        proxy(np.zeros(3))


def test_the_stand_in_names_a_learners_own_exception_class():
    def broken(x):
        class ShapeTrouble(Exception):
            pass
        raise ShapeTrouble("rows")

    with pytest.raises(Exception, match="rows") as error:
        KernelFunction(FakeSession(broken), "ex", "broken")(1)
    assert type(error.value).__name__ == "ShapeTrouble"


def test_the_stand_in_reissues_the_kernels_warnings_so_a_strict_check_fails():
    proxy = KernelFunction(FakeSession(lambda z: 1 / (1 + np.exp(-z))), "ex", "naive")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="overflow"):
            proxy(np.array([-1000.0]))


def test_the_stand_in_writes_changes_back_into_the_callers_arguments():
    def update(parameters, rng):
        parameters["activations"] = np.array(["relu", "sigmoid"])
        parameters["W1"] -= 1.0
        parameters["extra"] = 3
        rng.random(10)

    parameters = {"W1": np.ones(2), "activations": np.array(["relu", "relu"])}
    rng = np.random.default_rng(0)
    W1 = parameters["W1"]
    assert KernelFunction(FakeSession(update), "ex", "update")(parameters, rng) is None
    np.testing.assert_array_equal(W1, [0.0, 0.0])
    assert parameters["extra"] == 3 and list(parameters["activations"]) == ["relu", "sigmoid"]
    expected = np.random.default_rng(0)
    expected.random(10)
    assert rng.random() == expected.random()


def test_the_stand_in_writes_changes_back_into_keyword_arguments_too():
    """Lesson 03's initialize_parameters(*sizes, rng=generator), called twice with one
    generator, draws new weights the second time, as in the notebook."""
    def draw(n, rng=None, out=None):
        out[:] = n
        return rng.standard_normal(n)

    proxy = KernelFunction(FakeSession(draw), "ex", "draw")
    rng, out = np.random.default_rng(11), np.zeros(2)
    first, second = proxy(2, rng=rng, out=out), proxy(2, rng=rng, out=out)
    expected = np.random.default_rng(11)
    np.testing.assert_array_equal(first, expected.standard_normal(2))
    np.testing.assert_array_equal(second, expected.standard_normal(2))
    np.testing.assert_array_equal(out, [2.0, 2.0])


def test_serve_leaves_out_watched_calls_made_by_a_function_the_check_passed():
    """Lesson 05's gradient check is given nnlib's gradients by the check: the learner's
    function calling what it was given is not a call of nnlib's reference."""
    watched = ["nnlib.activations:sigmoid"]
    given = nnlib.activations.sigmoid_derivative  # calls sigmoid inside
    reply = serve(lambda derivative, z: derivative(z), given, np.zeros(2), watched=watched)
    assert reply["calls"] == []
    both = serve(lambda derivative, z: derivative(z) + nnlib.activations.sigmoid(z), given,
                 np.zeros(2), watched=watched)
    assert both["calls"] == watched


def test_a_watched_array_travels_with_the_rows_taken_from_it():
    def take(X):
        return X[np.array([2, 0])].sum() + X[1:3].sum() + X[[1]].sum()

    X = wire.watched(np.arange(8.0).reshape(4, 2))
    KernelFunction(FakeSession(take), "ex", "take")(X)
    assert [r if isinstance(r, str) else r.tolist() for r in X.rows] == [[2, 0], "slice", [1]]
    assert type(X[0]) is np.ndarray  # what is taken is a plain array


def test_lesson_07s_loop_check_passes_the_lessons_loop_behind_the_stand_in(capsys):
    """The check watches which rows the loop takes from X: it must see them when the loop
    runs in the learner's kernel."""
    from exercise_runs import solution

    from nnlib.checks.lesson07 import check_train_sgd

    check_train_sgd(KernelFunction(FakeSession(solution("lesson07-train-sgd")), "ex",
                                   "train_sgd"), seed=3)
    assert "✔ train_sgd" in capsys.readouterr().out


def test_a_class_stands_in_for_the_learners_class_whose_instances_stay_in_the_kernel():
    from nnlib.graph import Value

    session = FakeSession(Value)
    V = KernelFunction(session, "ex", "Value").as_class()
    a, b = V(2.0), V(-3.0)
    out = 2 * a * b + 1 - (a - b) * a
    out = -out.tanh() + (1 - a).exp()
    out.backward()
    expected_a, expected_b = Value(2.0), Value(-3.0)
    expected = 2 * expected_a * expected_b + 1 - (expected_a - expected_b) * expected_a
    expected = -expected.tanh() + (1 - expected_a).exp()
    expected.backward()
    assert isinstance(V, type) and isinstance(out, V)
    assert (out.data, a.grad, b.grad) == (expected.data, expected_a.grad, expected_b.grad)
    assert all(isinstance(v, Value) for v in session.kept.values())  # kept in the "kernel"
    with pytest.raises(AttributeError):
        a.grad = 0.0  # the grader cannot change the learner's objects


def test_lesson_05s_value_check_grades_the_lessons_class_behind_the_stand_in(capsys):
    from exercise_runs import BY_ID, solution

    from nnlib.assignments import stub_solution
    from nnlib.checks.lesson05 import check_value

    def stand_in(source=None):
        return KernelFunction(FakeSession(solution("lesson05-value", source)), "ex",
                              "Value").as_class()

    check_value(stand_in(), seed=3)
    assert "✔ Value" in capsys.readouterr().out
    stub = stub_solution(BY_ID["lesson05-value"].source, "lesson 05", "lesson05-value")
    with pytest.raises(CheckFailed, match="not implemented yet"):
        check_value(stand_in(stub))
