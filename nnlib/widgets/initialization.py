r"""The initialization explorer (lesson 06): what the starting weights do to a deep network.

A fixed random batch goes forward through ``depth`` hidden layers of ``WIDTH`` units and the
gradients come back (nnlib's :func:`~nnlib.forward.forward_propagation` and
:func:`~nnlib.backprop.backward_propagation`). With weights too small the activations shrink
layer after layer and the gradients vanish; too large and tanh/sigmoid saturate or ReLU
activations explode. Xavier ($\sqrt{2/(n_{in}+n_{out})}$) and He ($\sqrt{2/n_{in}}$) keep the
spread roughly constant across layers.
"""

import ipywidgets as widgets
import numpy as np

from ..backprop import backward_propagation
from ..figures import PALETTE
from ..forward import forward_propagation
from ..initialization import initialize_parameters
from .base import FigureExplorer, dropdown, slider

WIDTH = 100
N_INPUTS = 100
N_CLASSES = 10
BATCH = 256
BINS = 30
SCHEMES = (("zeros", "zeros"), ("small (× 0.01)", "small"), ("Xavier", "xavier"),
           ("He", "he"), ("custom scale", "normal"))
HIDDEN_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "linear")


def random_batch(rng=0):
    """The fixed batch: inputs ``X`` ``(BATCH, N_INPUTS)`` from a standard normal and random
    labels ``y`` ``(BATCH,)`` in ``0..N_CLASSES-1``."""
    rng = np.random.default_rng(rng)
    X = rng.standard_normal((BATCH, N_INPUTS), dtype=np.float32)
    return X, rng.integers(0, N_CLASSES, BATCH)


def layer_statistics(X, y, scheme, scale, depth, activation, rng=0):
    """Forward and backward through a random network; returns the hidden activations
    ``[A1, ..., A_depth]`` (each ``(BATCH, WIDTH)``) and weight gradients ``[dW1, ...]``."""
    sizes = (N_INPUTS, *[WIDTH] * depth, N_CLASSES)
    parameters = initialize_parameters(sizes, method=scheme, rng=rng,
                                       scale=scale if scheme == "normal" else None)
    _, cache = forward_propagation(X, parameters, hidden_activation=activation)
    grads = backward_propagation(parameters, cache, X, y)
    return ([cache[f"A{l}"] for l in range(1, depth + 1)],
            [grads[f"dW{l}"] for l in range(1, depth + 1)])


def histogram_row(axes, arrays, label, symmetric):
    """One histogram per layer on ``axes``, all over the same range; returns their stds.

    The range covers 99.5 % of the values of the widest layer; the rare values beyond it are
    counted in the outermost bins, so that a few outliers do not squash every histogram.
    """
    limit = max(float(np.percentile(np.abs(a), 99.5)) for a in arrays) or 1.0
    low = -limit if symmetric or min(float(a.min()) for a in arrays) < 0 else 0.0
    stds = []
    for l, (ax, values) in enumerate(zip(axes, arrays), start=1):
        std = float(values.std())
        stds.append(std)
        counts, edges = np.histogram(np.clip(values, low, limit), bins=BINS, range=(low, limit))
        ax.stairs(counts, edges, fill=True, color=PALETTE[0])
        ax.set_title(f"{label}{l}\nstd {std:.1e}", fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
        ax.locator_params(axis="x", nbins=3)
    return stds


class InitExplorer(FigureExplorer):
    """Choose an initialization scheme, a depth and an activation; the figure shows per-layer
    histograms of the activations (top) and of the weight gradients (bottom)."""

    css_class = "nnlib-init-explorer"
    what = ("Initialization explorer: choose a scheme, its scale, the depth and the activation "
            "of a deep network, and see histograms of its activations and weight gradients, "
            "layer by layer.")
    figure_size = (10.0, 4.0)
    figure_layout = None  # many small axes: a fixed layout draws twice as fast

    def __init__(self, scheme="small", depth=6, activation="tanh", scale=0.1, rng=0):
        self.X, self.y = random_batch(rng)
        self.rng = rng
        controls = {
            "scheme": dropdown("initialization", SCHEMES, scheme),
            "scale": slider("custom scale", scale, -3, 1, 0.1, kind=widgets.FloatLogSlider,
                            readout_format=".3f", continuous_update=False),
            "depth": slider("hidden layers", depth, 1, 10, 1, kind=widgets.IntSlider,
                            continuous_update=False),
            "activation": dropdown("activation", HIDDEN_ACTIVATIONS, activation),
        }
        rows = [widgets.HBox([controls["scheme"], controls["scale"]]),
                widgets.HBox([controls["depth"], controls["activation"]])]
        super().__init__(controls, rows)

    def draw(self, figure):
        scheme, scale, depth, activation = (self.controls[k].value
                                            for k in ("scheme", "scale", "depth", "activation"))
        self.controls["scale"].disabled = scheme != "normal"
        activations, gradients = layer_statistics(self.X, self.y, scheme, scale, depth,
                                                  activation, self.rng)
        axes = figure.subplots(2, depth, squeeze=False)
        figure.subplots_adjust(left=0.02, right=0.98, bottom=0.08, top=0.88, wspace=0.15,
                               hspace=0.65)
        activation_std = histogram_row(axes[0], activations, "A", symmetric=False)
        gradient_std = histogram_row(axes[1], gradients, "dW", symmetric=True)
        self.info.value = (
            f"Standard deviation of the activations, layer 1 → {depth}: "
            f"{activation_std[0]:.2g} → {activation_std[-1]:.2g}; of the weight gradients: "
            f"{gradient_std[0]:.2g} → {gradient_std[-1]:.2g}.")
        return {"activation_std": activation_std, "gradient_std": gradient_std,
                "activations": activations, "gradients": gradients}


def init_explorer(scheme="small", depth=6, activation="tanh", scale=0.1):
    """Explore initialization: scheme (``"zeros"``, ``"small"``, ``"xavier"``, ``"he"`` or
    ``"normal"`` with a custom ``scale``), number of hidden layers and activation. Shows
    per-layer histograms of activations and gradients. Returns the widget."""
    return InitExplorer(scheme, depth, activation, scale)
