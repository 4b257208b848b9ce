r"""The neuron explorer (lesson 01): move a neuron's weights and bias, watch its output.

The neuron computes $a = g(w_1 x_1 + w_2 x_2 + b)$ at every point of the plane. The line
$w_1 x_1 + w_2 x_2 + b = 0$ is its decision line: points on the side where $z > 0$ are
predicted as class 1.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import ListedColormap

from ..figures import DIVERGING_CMAP, PALETTE
from ..neuron import Neuron
from ..toy_data import make_blobs
from .base import FigureExplorer, dropdown, slider

NEURON_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
PLANE = (-4.0, 4.0)
GRID_POINTS = 121
CLASS_COLORS = ListedColormap([PALETTE[1], PALETTE[0]])  # class 0 orange, class 1 blue


def toy_points(rng=0):
    """Sixty points in two overlapping clouds: ``X`` ``(60, 2)``, labels ``y`` ``(60,)``."""
    return make_blobs(n_samples=60, centers=[(-1.5, -1.0), (1.5, 1.0)], std=0.9, rng=rng)


def decision_line(w1, w2, b, low=PLANE[0], high=PLANE[1]):
    r"""Two points ``(xs, ys)`` of the line $w_1 x_1 + w_2 x_2 + b = 0$ across the plane,
    or ``None`` when both weights are 0 (there is no line)."""
    if w2 != 0:
        xs = np.array([low, high])
        return xs, -(w1 * xs + b) / w2
    if w1 != 0:
        return np.full(2, -b / w1), np.array([low, high])
    return None


class NeuronExplorer(FigureExplorer):
    """Sliders ``w1``, ``w2``, ``b`` and an activation; the figure shows the neuron's output
    over the plane, the toy points and the decision line."""

    css_class = "nnlib-neuron-explorer"
    what = ("Neuron explorer: sliders for the weights w1, w2 and the bias b of one neuron, and "
            "its activation, over a plot of its output and its decision line on toy points.")
    figure_size = (5.5, 4.2)

    def __init__(self, w1=1.0, w2=1.0, b=0.0, activation="sigmoid", rng=0):
        self.X, self.y = toy_points(rng)
        controls = {
            "w1": slider("weight w₁", w1, -5.0, 5.0, 0.1),
            "w2": slider("weight w₂", w2, -5.0, 5.0, 0.1),
            "b": slider("bias b", b, -5.0, 5.0, 0.1),
            "activation": dropdown("activation g", NEURON_ACTIVATIONS, activation),
        }
        rows = [widgets.HBox([controls["w1"], controls["activation"]]),
                widgets.HBox([controls["w2"], controls["b"]])]
        super().__init__(controls, rows)

    def draw(self, figure):
        w1, w2, b, activation = (self.controls[k].value for k in ("w1", "w2", "b", "activation"))
        neuron = Neuron([w1, w2], b, activation)
        axis = np.linspace(*PLANE, GRID_POINTS)
        x1, x2 = np.meshgrid(axis, axis)
        output = neuron.forward(np.column_stack([x1.ravel(), x2.ravel()])).reshape(x1.shape)
        predicted = (Neuron([w1, w2], b, "linear").forward(self.X) > 0).astype(np.int64)
        accuracy = float(np.mean(predicted == self.y))

        ax = figure.add_subplot()
        mesh = ax.pcolormesh(x1, x2, output, cmap=DIVERGING_CMAP, shading="auto", alpha=0.6)
        figure.colorbar(mesh, ax=ax, label=f"output a = {activation}(z)")
        ax.scatter(*self.X.T, c=self.y, cmap=CLASS_COLORS, vmin=0, vmax=1, edgecolors="k", s=28)
        line = decision_line(w1, w2, b)
        if line is not None:
            ax.plot(*line, color="k", linewidth=2, label="decision line z = 0")
            ax.legend(loc="lower right", fontsize=8)
        ax.set(xlim=PLANE, ylim=PLANE, xlabel="x₁", ylabel="x₂",
               title=f"z = {w1:.1f}·x₁ + {w2:.1f}·x₂ + {b:.1f}")
        self.info.value = (f"Points where z &gt; 0 are predicted as class 1 (blue): "
                           f"<b>{accuracy:.0%}</b> of the {len(self.y)} points are right.")
        return {"output": output, "line": line, "accuracy": accuracy,
                "weights": (w1, w2), "bias": b, "activation": activation}


def neuron_explorer(w1=1.0, w2=1.0, b=0.0, activation="sigmoid"):
    """An interactive single neuron with two inputs: sliders for ``w1``, ``w2``, ``b`` and a
    choice of activation. Returns the widget (display it as a cell's last value)."""
    return NeuronExplorer(w1, w2, b, activation)
