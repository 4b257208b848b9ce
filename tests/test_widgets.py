"""The lesson widgets, driven without a browser: set controls, click buttons, check results."""

import threading
import time

import numpy as np
import pytest

from nnlib.data import load_mnist
from nnlib.toy_data import make_moons
from nnlib.widgets import activation_explorer, init_explorer, neuron_explorer, training_dashboard
from nnlib.widgets.activations import saturated_intervals
from nnlib.widgets.dashboard_data import hidden_sizes, load_source, prepare_split
from nnlib.widgets.neuron import decision_line

PNG_MAGIC = b"\x89PNG"


def wait_until(condition, timeout=30.0):
    """Poll ``condition()`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.01)


@pytest.fixture
def toy_data():
    X_train, y_train = make_moons(200, noise=0.2, rng=0)
    X_test, y_test = make_moons(100, noise=0.2, rng=1)
    return X_train, y_train, X_test, y_test


@pytest.fixture
def dashboards():
    """Make dashboards; stop and join any run still going at the end of the test."""
    made = []

    def make(*args, **options):
        dashboard = training_dashboard(*args, **options)
        made.append(dashboard)
        return dashboard

    yield make
    for dashboard in made:
        dashboard.stop_button.click()
        if dashboard.thread is not None:
            dashboard.thread.join(60)


# ---------------------------------------------------------------- every widget

@pytest.mark.parametrize("make", [neuron_explorer, activation_explorer, init_explorer,
                                  training_dashboard])
def test_each_widget_shows_a_png_figure_at_start_and_prints_nothing(make, capfd):
    widget = make()
    image = widget.curves if make is training_dashboard else widget.image
    assert bytes(image.value).startswith(PNG_MAGIC)
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("make", [neuron_explorer, activation_explorer, init_explorer,
                                  training_dashboard])
def test_each_widget_has_a_short_text_form_for_notebook_outputs(make):
    text = repr(make())
    assert len(text) < 110 and "model_id" not in text


# ---------------------------------------------------------------- neuron explorer

def test_moving_a_weight_redraws_the_neuron_output():
    explorer = neuron_explorer()
    before_output, before_png = explorer.last_plot_data["output"], explorer.image.value
    explorer.controls["w1"].value = -2.0
    assert not np.allclose(explorer.last_plot_data["output"], before_output)
    assert explorer.image.value != before_png
    assert explorer.last_plot_data["weights"] == (-2.0, 1.0)


def test_decision_line_is_where_the_weighted_sum_is_zero():
    explorer = neuron_explorer(w1=0.0, w2=2.0, b=-1.0)
    xs, ys = explorer.last_plot_data["line"]
    np.testing.assert_allclose(0.0 * xs + 2.0 * ys - 1.0, 0.0, atol=1e-12)


def test_no_decision_line_when_both_weights_are_zero():
    assert decision_line(0.0, 0.0, 1.0) is None


def test_flipping_the_weights_flips_the_accuracy():
    explorer = neuron_explorer(w1=1.0, w2=1.0, b=0.0)
    accuracy = explorer.last_plot_data["accuracy"]
    explorer.controls["w1"].value, explorer.controls["w2"].value = -1.0, -1.0
    assert accuracy > 0.8
    assert explorer.last_plot_data["accuracy"] == pytest.approx(1 - accuracy)
    assert f"{1 - accuracy:.0%}" in explorer.info.value


def test_activation_choice_changes_the_output_range():
    explorer = neuron_explorer(activation="sigmoid")
    output = explorer.last_plot_data["output"]
    assert 0 <= output.min() < output.max() <= 1
    explorer.controls["activation"].value = "tanh"
    assert explorer.last_plot_data["output"].min() < 0
    explorer.controls["activation"].value = "relu"
    assert explorer.last_plot_data["output"].min() == 0
    assert explorer.last_plot_data["output"].max() > 1


# ---------------------------------------------------------------- activation explorer

def test_unticking_an_activation_removes_its_curve():
    explorer = activation_explorer(selected=("sigmoid", "tanh"))
    explorer.checkboxes["sigmoid"].value = False
    assert list(explorer.last_plot_data) == ["tanh"]


def test_range_slider_sets_the_plotted_z_values():
    explorer = activation_explorer()
    explorer.controls["z_range"].value = (-2.0, 3.0)
    z = explorer.last_plot_data["tanh"]["z"]
    assert (z[0], z[-1]) == (-2.0, 3.0)


def test_sigmoid_is_shaded_as_saturated_beyond_about_4_6():
    explorer = activation_explorer(selected=("sigmoid",), z_range=(-8.0, 8.0))
    (low_start, low_end), (high_start, high_end) = explorer.last_plot_data["sigmoid"]["saturated"]
    assert (low_start, high_end) == (-8.0, 8.0)
    assert low_end == pytest.approx(-4.6, abs=0.05) and high_start == pytest.approx(4.6, abs=0.05)


def test_relu_saturates_for_negative_z_and_linear_never():
    explorer = activation_explorer(selected=("relu", "linear"), z_range=(-5.0, 5.0))
    assert explorer.last_plot_data["relu"]["saturated"] == [(-5.0, 0.0)]
    assert explorer.last_plot_data["linear"]["saturated"] == []
    assert "never in this range" in explorer.info.value


def test_saturated_intervals_finds_each_flat_run():
    z = np.arange(6.0)
    derivative = np.array([0.0, 0.5, 0.5, 0.001, 0.002, 0.5])
    assert saturated_intervals(z, derivative) == [(0.0, 0.0), (3.0, 4.0)]


def test_activation_explorer_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation"):
        activation_explorer(selected=("swish",))


# ---------------------------------------------------------------- initialization explorer

def test_small_init_makes_tanh_activations_vanish_layer_by_layer():
    stds = init_explorer(scheme="small", depth=6, activation="tanh").last_plot_data[
        "activation_std"]
    assert all(later < earlier for earlier, later in zip(stds, stds[1:]))
    assert stds[-1] < 1e-3 * stds[0]


def test_xavier_keeps_tanh_activations_spread_out():
    explorer = init_explorer(scheme="small", depth=6, activation="tanh")
    explorer.controls["scheme"].value = "xavier"
    assert min(explorer.last_plot_data["activation_std"]) > 0.1


def test_zero_init_gives_zero_gradients_in_every_hidden_layer():
    explorer = init_explorer(scheme="zeros", depth=3, activation="tanh")
    assert explorer.last_plot_data["gradient_std"] == [0.0, 0.0, 0.0]


def test_depth_slider_sets_the_number_of_histograms():
    explorer = init_explorer(depth=6)
    explorer.controls["depth"].value = 3
    assert len(explorer.last_plot_data["activation_std"]) == 3
    assert len(explorer.last_plot_data["gradient_std"]) == 3


def test_custom_scale_is_used_only_by_the_custom_scheme():
    explorer = init_explorer(scheme="he", scale=1.0, activation="relu")
    assert explorer.controls["scale"].disabled
    explorer.controls["scheme"].value = "normal"
    assert not explorer.controls["scale"].disabled
    first_std = explorer.last_plot_data["activation_std"][0]
    explorer.controls["scale"].value = 0.01
    assert explorer.last_plot_data["activation_std"][0] < first_std / 10


# ---------------------------------------------------------------- training dashboard

def test_train_click_trains_and_shows_curves_and_test_accuracy(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="8", epochs=3, batch_size=16,
                           learning_rate=0.01)
    dashboard.train_button.click()
    history = dashboard.wait(60)
    assert len(history["loss"]) == len(history["val_accuracy"]) == 3
    assert dashboard.model.layer_sizes == (2, 8, 2)
    assert dashboard.last_plot_data["epochs"] == [1, 2, 3]
    assert dashboard.last_plot_data["val_loss"] == history["val_loss"]
    assert f"{dashboard.test_accuracy:.2%}" in dashboard.result.value
    assert dashboard.progress.value == dashboard.progress.max
    assert not dashboard.train_button.disabled and dashboard.stop_button.disabled


def test_training_lowers_the_loss(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="16", epochs=10, learning_rate=0.01)
    dashboard.train_button.click()
    losses = dashboard.wait(60)["loss"]
    assert losses[-1] < losses[0]


def test_confusion_matrix_counts_every_test_example(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="4", epochs=1)
    dashboard.train_button.click()
    dashboard.wait(60)
    assert dashboard.last_confusion_matrix.sum() == len(toy_data[3])
    assert bytes(dashboard.confusion.value).startswith(PNG_MAGIC)
    assert dashboard.confusion.layout.display is None


def test_curves_are_redrawn_while_training_runs(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="4", epochs=100_000, batch_size=8)
    dashboard.train_button.click()
    wait_until(lambda: len(dashboard.last_plot_data["epochs"]) >= 2)
    assert dashboard.running
    assert dashboard.last_plot_data["loss"] == dashboard.history["loss"][:len(
        dashboard.last_plot_data["loss"])]


def test_stop_ends_a_long_run_early(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="4", epochs=100_000, batch_size=8)
    dashboard.train_button.click()
    wait_until(lambda: len(dashboard.history["loss"]) >= 2)
    dashboard.stop_button.click()
    dashboard.thread.join(60)
    assert not dashboard.running
    assert 2 <= len(dashboard.history["loss"]) < 100_000
    assert "stopped early" in dashboard.status.value


def test_second_train_click_while_running_starts_no_second_run(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="4", epochs=100_000, batch_size=8)
    dashboard.train_button.click()
    first = dashboard.thread
    assert dashboard.train_button.disabled
    dashboard.train_button.click()
    assert dashboard.thread is first
    names = [thread.name for thread in threading.enumerate()]
    assert names.count("nnlib-training-dashboard") == 1


def test_bad_hidden_sizes_are_reported_and_nothing_trains(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="12, x")
    dashboard.train_button.click()
    assert dashboard.thread is None
    assert "hidden layers must be positive sizes" in dashboard.status.value


def test_a_failed_run_shows_the_error_and_wait_raises_it(dashboards, toy_data):
    X_train, y_train, X_test, y_test = toy_data
    dashboard = dashboards((X_train, y_train, X_test[:, :1], y_test), hidden="4", epochs=1)
    dashboard.train_button.click()
    with pytest.raises(ValueError):
        dashboard.wait(60)
    assert "Training failed" in dashboard.status.value
    assert not dashboard.train_button.disabled


def test_choosing_an_optimizer_resets_the_learning_rate_to_its_default(dashboards):
    dashboard = dashboards("moons", optimizer="adam")
    dashboard.controls["optimizer"].value = "sgd"
    assert dashboard.controls["learning_rate"].value == pytest.approx(0.1)


def test_mnist_dashboard_loads_nothing_until_train_is_pressed(dashboards):
    dashboard = dashboards("mnist")
    assert dashboard._loaded is None
    assert dashboard.controls["subset"].max == 60000
    assert dashboard.controls["hidden"].value == "128"


def test_progress_bar_counts_the_batches_of_a_stopped_run(dashboards, toy_data):
    dashboard = dashboards(toy_data, hidden="4", epochs=100_000, batch_size=8)
    dashboard.train_button.click()
    wait_until(lambda: len(dashboard.history["loss"]) >= 1)
    dashboard.stop_button.click()
    dashboard.wait(60)
    batches_per_epoch = -(-int(0.9 * len(toy_data[0])) // 8)
    assert dashboard.progress.max == 100_000 * batches_per_epoch
    assert batches_per_epoch <= dashboard.progress.value < dashboard.progress.max


def test_mnist_subset_slider_starts_at_ten_thousand_examples(dashboards):
    assert dashboards("mnist").controls["subset"].value == 10000


def test_dashboard_split_is_views_of_the_first_rows():
    X, y = np.arange(200, dtype=np.float32).reshape(100, 2), np.arange(100)
    (X_train, y_train), (X_val, y_val) = prepare_split(X, y, subset=50)
    assert y_train.tolist() == list(range(45)) and y_val.tolist() == list(range(45, 50))
    assert all(np.shares_memory(part, whole) for part, whole in [
        (X_train, X), (X_val, X), (y_train, y), (y_val, y)])


def test_mnist_dashboard_uses_the_arrays_load_mnist_holds(monkeypatch, mnist_data_dir):
    monkeypatch.setenv("NNLIB_DATA_DIR", str(mnist_data_dir))
    (X_train, y_train), (X_test, y_test) = load_mnist(progress=False)
    loaded = load_source("mnist")
    assert all(a is b for a, b in zip(loaded, (X_train, y_train, X_test, y_test), strict=True))


@pytest.mark.parametrize(("option", "value"), [("optimizer", "rmsprop"), ("init", "lecun"),
                                               ("activation", "swish"), ("batch_size", 0)])
def test_dashboard_rejects_a_bad_starting_value_by_name(option, value):
    with pytest.raises(ValueError, match=option.replace("_", " ") + "|" + option):
        training_dashboard("moons", **{option: value})


def test_unknown_data_name_is_rejected():
    with pytest.raises(ValueError, match="data must be one of"):
        training_dashboard("cifar")


@pytest.mark.parametrize(("text", "sizes"), [("128", (128,)), ("256, 128", (256, 128)),
                                             ("", ())])
def test_hidden_sizes_reads_comma_separated_sizes(text, sizes):
    assert hidden_sizes(text) == sizes


@pytest.mark.parametrize("text", ["0", "-3", "12.5", "a,b"])
def test_hidden_sizes_rejects_anything_but_positive_integers(text):
    with pytest.raises(ValueError, match="e.g. '128'"):
        hidden_sizes(text)


@pytest.mark.parametrize("make", [neuron_explorer, activation_explorer, init_explorer,
                                  training_dashboard])
def test_a_stored_widget_output_says_what_it_is_and_keeps_the_live_view(make):
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for mime in ("text/plain", "text/html"):
        assert "it appears here when you run this cell" in bundle[mime]
    assert bundle["text/plain"].split(":")[0] in ("Neuron explorer", "Activation explorer",
                                                  "Initialization explorer", "Training dashboard")


def test_widgets_draw_in_the_course_palette_on_white():
    from nnlib.figures import PALETTE
    from nnlib.widgets.activations import COLORS
    from nnlib.widgets.base import new_figure

    assert set(COLORS.values()) <= set(PALETTE)
    assert new_figure(2, 2).get_facecolor() == (1.0, 1.0, 1.0, 1.0)
