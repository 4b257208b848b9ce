"""The training dashboard (lessons 08 onwards): choose hyper-parameters, press Train, watch.

Training runs in a background thread, so the notebook stays responsive: the Stop button works
while a run is going (a click is only processed when the kernel is idle, and it is idle while
the thread trains). The thread updates the progress bar, the status line and the curves at
most every ``REDRAW_SECONDS``; at the end it shows the test accuracy and a confusion matrix.
"""

import threading
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from .._validation import check_choice, check_positive
from ..figures import PALETTE, SEQUENTIAL_CMAP
from ..metrics import confusion_matrix
from ..model import Model
from ..optimizers import DEFAULT_LEARNING_RATES, OPTIMIZERS
from .base import (
    CONTROL_LAYOUT,
    LABEL_STYLE,
    Described,
    dropdown,
    figure_png,
    image_widget,
    message_html,
    new_figure,
    slider,
)
from .dashboard_data import (
    check_source,
    describe_source,
    hidden_sizes,
    load_source,
    prepare_split,
    source_size,
)

REDRAW_SECONDS = 0.3
CURVES_SIZE = (9.0, 3.2)
CONFUSION_SIZE = (4.2, 3.8)
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
INITS = ("he", "xavier", "small", "zeros")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")


def draw_curves(figure, history):
    """Loss and accuracy per epoch, training and validation, from a history dict."""
    ax_loss, ax_accuracy = figure.subplots(1, 2)
    epochs = list(range(1, len(history.get("loss", [])) + 1))
    for ax, key in ((ax_loss, "loss"), (ax_accuracy, "accuracy")):
        for prefix, label, color in (("", "training", PALETTE[0]),
                                     ("val_", "validation", PALETTE[1])):
            values = history.get(prefix + key, [])
            if values:
                ax.plot(epochs[:len(values)], values, marker="o", markersize=3, label=label,
                        color=color)
        ax.set(title=key, xlabel="epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if epochs:
            ax.legend(fontsize=8)
    if not epochs:
        ax_loss.text(0.5, 0.5, "press Train to start", ha="center", transform=ax_loss.transAxes)
    return {"epochs": epochs, **{key: list(history.get(key, [])) for key in HISTORY_KEYS}}


def draw_confusion(figure, matrix):
    """The confusion matrix ``(k, k)`` as a heat map with the counts written in."""
    ax = figure.add_subplot()
    ax.imshow(matrix, cmap=SEQUENTIAL_CMAP)
    k = len(matrix)
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7 if k > 5 else 10,
                color="black" if count > matrix.max() / 2 else "white")
    ax.set(title="confusion matrix (test set)", xlabel="predicted", ylabel="true",
           xticks=range(k), yticks=range(k))


class TrainingDashboard(Described, widgets.VBox):
    """Hyper-parameter controls, Train/Stop buttons, a progress bar, live curves, results.

    For tests and scripts: ``train_button.click()`` starts a run, ``wait()`` blocks until it
    ends; ``model``, ``history``, ``thread``, ``error`` and ``last_plot_data`` (the plotted
    curves) show what happened.
    """

    what = ("Training dashboard: choose the network and its hyper-parameters, press Train, "
            "and watch the loss and accuracy curves of the run live.")

    def __init__(self, data="moons", hidden="32,32", activation="relu", init="he",
                 optimizer="adam", learning_rate=None, batch_size=32, epochs=20, l2=0.0,
                 dropout=0.0, subset=None, seed=0):
        self.data = check_source(data)
        self.seed = seed
        self.model, self.thread, self.error, self._loaded = None, None, None, None
        self.test_accuracy, self.last_confusion_matrix = None, None
        self._batches_done = 0
        self.history = {key: [] for key in HISTORY_KEYS}
        self._stop_requested = False
        self._last_update = {"status": 0.0, "curves": 0.0}  # time.monotonic() of each
        self._build_controls(hidden, activation, init, optimizer, learning_rate, batch_size,
                             epochs, l2, dropout, subset)
        self.train_button = widgets.Button(description="Train", button_style="success",
                                           icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger",
                                          icon="stop", disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="progress",
                                            style=LABEL_STYLE)
        self.status = widgets.HTML(message_html(f"Ready to train on {describe_source(data)}."))
        self.curves = image_widget("nnlib-dashboard-curves", CURVES_SIZE[0])
        self.result = widgets.HTML()
        self.confusion = image_widget("nnlib-dashboard-confusion", CONFUSION_SIZE[0])
        self.confusion.layout.display = "none"
        for widget, name in ((self.train_button, "train"), (self.stop_button, "stop"),
                             (self.status, "status"), (self.result, "result")):
            widget.add_class(f"nnlib-dashboard-{name}")
        self.train_button.on_click(self._on_train)
        self.stop_button.on_click(self._on_stop)
        c = self.controls
        columns = widgets.HBox([
            widgets.VBox([c[k] for k in ("hidden", "activation", "init", "optimizer",
                                         "learning_rate")]),
            widgets.VBox([c[k] for k in ("batch_size", "epochs", "l2", "dropout", "subset")])])
        buttons = widgets.HBox([self.train_button, self.stop_button, self.progress])
        super().__init__([columns, buttons, self.status, self.curves, self.result,
                          self.confusion])
        self.add_class("nnlib-training-dashboard")
        self.last_plot_data = self._draw_curves()

    def _build_controls(self, hidden, activation, init, optimizer, learning_rate, batch_size,
                        epochs, l2, dropout, subset):
        n_train = source_size(self.data)
        check_choice(optimizer, "optimizer", OPTIMIZERS)
        check_positive(batch_size, "batch_size", integer=True)
        check_positive(epochs, "epochs", integer=True)
        if learning_rate is None:
            learning_rate = DEFAULT_LEARNING_RATES[optimizer]
        sizes = sorted({*BATCH_SIZES, batch_size})
        step = 1 if n_train < 2000 else 500  # the subset slider's
        self.controls = {
            "hidden": widgets.Text(value=hidden, description="hidden layers",
                                   placeholder="e.g. 128 or 256,128", style=LABEL_STYLE,
                                   layout=CONTROL_LAYOUT),
            "activation": dropdown("activation", ACTIVATIONS, activation),
            "init": dropdown("initialization", INITS, init),
            "optimizer": dropdown("optimizer", tuple(OPTIMIZERS), optimizer),
            "learning_rate": slider("learning rate", learning_rate, -5, 0, 0.1,
                                    kind=widgets.FloatLogSlider, readout_format=".1e"),
            "batch_size": dropdown("batch size", sizes, batch_size),
            "epochs": slider("epochs", epochs, 1, max(100, epochs), 1, kind=widgets.IntSlider),
            "l2": slider("L2 penalty", l2, 0.0, 0.1, 0.001, readout_format=".3f"),
            "dropout": slider("dropout", dropout, 0.0, 0.9, 0.05),
            "subset": slider("examples used", subset or min(n_train, 10000), step, n_train,
                             step, kind=widgets.IntSlider),
        }
        self.controls["optimizer"].observe(self._on_optimizer, names="value")

    def _on_optimizer(self, change):
        """A new optimizer starts from its usual learning rate."""
        self.controls["learning_rate"].value = DEFAULT_LEARNING_RATES[change["new"]]

    # ------------------------------------------------------------ buttons

    @property
    def running(self):
        """True while a training thread is alive."""
        return self.thread is not None and self.thread.is_alive()

    def _on_train(self, _button=None):
        """Start a run in a background thread (ignored while one is running)."""
        if self.running:
            return
        try:
            settings = {name: control.value for name, control in self.controls.items()}
            settings["hidden"] = hidden_sizes(settings["hidden"])
        except ValueError as error:
            self.status.value = message_html(str(error), error=True)
            return
        self._stop_requested, self.error = False, None
        self.history = {key: [] for key in HISTORY_KEYS}
        self.train_button.disabled, self.stop_button.disabled = True, False
        self.result.value, self.confusion.layout.display = "", "none"
        self.thread = threading.Thread(target=self._run, args=(settings,), daemon=True,
                                       name="nnlib-training-dashboard")
        self.thread.start()

    def _on_stop(self, _button=None):
        """Ask the running fit to stop after its current batch."""
        self._stop_requested = True
        if self.model is not None:
            self.model.stop_training = True
        self.status.value = message_html("Stopping after the current batch…")

    def wait(self, timeout=None):
        """Block until the current run ends (or ``timeout`` seconds pass); returns the
        history. Raises the run's error if it failed."""
        if self.thread is not None:
            self.thread.join(timeout)
        if self.error is not None:
            raise self.error
        return self.history

    # ------------------------------------------------------------ the training thread

    def _run(self, settings):
        """Load the data, build the model, fit it, show the results (in the thread)."""
        start = time.perf_counter()
        try:
            (X, y), validation, test = self._prepare_data(settings)
            n_classes = int(max(y.max(), validation[1].max(), test[1].max())) + 1
            sizes = (X.shape[1], *settings["hidden"], n_classes)
            self.model = Model(sizes, hidden_activation=settings["activation"],
                               init=settings["init"], seed=self.seed)
            batch_size = min(settings["batch_size"], len(X))
            self.progress.value, self._batches_done = 0, 0
            self.progress.max = settings["epochs"] * -(-len(X) // batch_size)
            self.model.stop_training = self._stop_requested
            if not self._stop_requested:
                self.history = self.model.fit(
                    X, y, epochs=settings["epochs"], learning_rate=settings["learning_rate"],
                    batch_size=batch_size, optimizer=settings["optimizer"],
                    validation_data=validation, progress=False, callbacks=[self._on_event],
                    l2=settings["l2"], dropout=settings["dropout"])
            self._show_results(test, time.perf_counter() - start)
        except Exception as error:  # shown to the learner; also kept for wait()
            self.error = error
            self.status.value = message_html(f"Training failed: {error}", error=True)
        finally:
            self.train_button.disabled, self.stop_button.disabled = False, True

    def _prepare_data(self, settings):
        """``((X, y), (X_val, y_val), (X_test, y_test))``, loading the source once."""
        if self._loaded is None:
            self.status.value = message_html(f"Loading {describe_source(self.data)}…")
            self._loaded = load_source(self.data)
        X, y, X_test, y_test = self._loaded
        train, validation = prepare_split(X, y, settings["subset"])
        return train, validation, (X_test, y_test)

    def _on_event(self, event, logs):
        """The fit's callback: record the epoch, update the display (throttled)."""
        if self._stop_requested:
            self.model.stop_training = True
        if event == "batch_end":
            self._batches_done += 1
        if event == "epoch_end":
            for key in HISTORY_KEYS:
                if key in logs:
                    self.history[key].append(logs[key])
        now = time.monotonic()
        if now - self._last_update["status"] >= REDRAW_SECONDS:
            self._last_update["status"] = now
            self.progress.value = self._batches_done
            self.status.value = message_html(
                f"Training: epoch {logs['epoch']}/{logs['epochs']}, batch {logs['batch']}/"
                f"{logs['batches']}, loss {logs['loss']:.4f}, accuracy {logs['accuracy']:.1%}")
        if event == "epoch_end" and now - self._last_update["curves"] >= REDRAW_SECONDS:
            self._last_update["curves"] = now
            self.last_plot_data = self._draw_curves()

    def _draw_curves(self):
        figure = new_figure(*CURVES_SIZE)
        data = draw_curves(figure, self.history)
        self.curves.value = figure_png(figure)
        return data

    def _show_results(self, test, seconds):
        """Final curves, test accuracy and confusion matrix."""
        self.last_plot_data = self._draw_curves()
        epochs_done = len(self.history["loss"])
        stopped = " (stopped early)" if self._stop_requested else ""
        if epochs_done == 0:
            self.status.value = message_html("Stopped before the first batch.")
            return
        self.progress.value = self._batches_done
        X_test, y_test = test
        self.test_accuracy = self.model.evaluate(X_test, y_test)["accuracy"]
        matrix = confusion_matrix(y_test, self.model.predict(X_test))
        figure = new_figure(*CONFUSION_SIZE)
        draw_confusion(figure, matrix)
        self.confusion.value, self.confusion.layout.display = figure_png(figure), None
        self.last_confusion_matrix = matrix
        self.status.value = message_html(
            f"Done: {epochs_done} epoch(s) in {seconds:.1f} s{stopped}.")
        self.result.value = (f"<b>Test accuracy: {self.test_accuracy:.2%}</b> on "
                             f"{len(y_test)} examples.")

    def __repr__(self):
        return f"TrainingDashboard(data={describe_source(self.data)!r})"


def training_dashboard(data="moons", **options):
    """A dashboard to train a network on ``data`` (``"mnist"``, ``"moons"``, ``"spirals"`` or a
    tuple ``(X_train, y_train, X_test, y_test)`` whose rows come in no particular order: the
    last tenth of the rows used is the validation set) and watch it learn. ``options`` set the
    controls' starting values: ``hidden`` (text such as ``"256,128"``), ``activation``,
    ``init``, ``optimizer``, ``learning_rate``, ``batch_size``, ``epochs``, ``l2``,
    ``dropout``, ``subset`` (how many of the first training rows are used), ``seed``.
    Returns the widget."""
    if data == "mnist":
        options.setdefault("hidden", "128")
        options.setdefault("epochs", 5)
        options.setdefault("batch_size", 64)
    return TrainingDashboard(data, **options)
