r"""The activation explorer (lesson 02): each function $g(z)$, its derivative $g'(z)$, and
where it saturates.

Where $|g'(z)| < 0.01$ a unit barely passes any gradient back: backpropagation multiplies by
$g'(z)$, so learning slows to a crawl there. Those regions are shaded.
"""

import ipywidgets as widgets
import numpy as np

from ..activations import get_activation
from ..figures import PALETTE
from .base import LABEL_STYLE, FigureExplorer

EXPLORED_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
COLORS = dict(zip(EXPLORED_ACTIVATIONS, PALETTE[:5], strict=True))
SATURATION = 0.01
POINTS = 801


def saturated_intervals(z, derivative, threshold=SATURATION):
    r"""The intervals ``[(start, end), ...]`` of ``z`` ``(n,)`` (sorted) where
    $|g'(z)| <$ ``threshold``, from the derivative's values ``(n,)`` at those points."""
    flat = np.abs(derivative) < threshold
    edges = np.flatnonzero(np.diff(flat.astype(np.int8)))
    starts = [0, *(edges + 1)]
    ends = [*edges, len(z) - 1]
    return [(float(z[s]), float(z[e])) for s, e in zip(starts, ends) if flat[s]]


def describe_intervals(intervals):
    """Saturated intervals as readable text, e.g. ``z in [-6.0, -4.6] and [4.6, 6.0]``."""
    if not intervals:
        return "never in this range"
    return " and ".join(f"[{start:.1f}, {end:.1f}]" for start, end in intervals)


class ActivationExplorer(FigureExplorer):
    """Tick activations and choose the range of $z$; the figure shows $g$ and $g'$ with the
    saturated regions shaded."""

    css_class = "nnlib-activation-explorer"
    what = ("Activation explorer: tick activation functions and choose a range of z to see "
            "each function, its derivative, and where it saturates.")
    figure_size = (9.0, 3.4)

    def __init__(self, selected=("sigmoid", "tanh", "relu"), z_range=(-6.0, 6.0)):
        for name in selected:
            get_activation(name)  # raises a clear ValueError for an unknown name
        checkboxes = {name: widgets.Checkbox(value=name in selected, description=name,
                                             indent=False, layout={"width": "110px"})
                      for name in EXPLORED_ACTIVATIONS}
        z_slider = widgets.FloatRangeSlider(value=z_range, min=-10.0, max=10.0, step=0.5,
                                            description="range of z", style=LABEL_STYLE,
                                            layout={"width": "450px"})
        self.checkboxes = checkboxes
        controls = {**checkboxes, "z_range": z_slider}
        super().__init__(controls, [widgets.HBox(list(checkboxes.values())), z_slider])

    @property
    def selected(self):
        """The names of the ticked activations."""
        return [name for name, box in self.checkboxes.items() if box.value]

    def draw(self, figure):
        low, high = self.controls["z_range"].value
        z = np.linspace(low, high, POINTS)
        ax_g, ax_dg = figure.subplots(1, 2)
        data, lines = {}, []
        for name in self.selected:
            activation = get_activation(name)
            g, dg = activation.function(z), activation.derivative(z)
            intervals = saturated_intervals(z, dg)
            color = COLORS[name]
            ax_g.plot(z, g, color=color, label=name)
            ax_dg.plot(z, dg, color=color, label=name)
            for start, end in intervals:
                for ax in (ax_g, ax_dg):
                    ax.axvspan(start, end, color=color, alpha=0.12, linewidth=0)
            data[name] = {"z": z, "g": g, "derivative": dg, "saturated": intervals}
            lines.append(f"<b>{name}</b>: |g′(z)| &lt; {SATURATION} for z in "
                         f"{describe_intervals(intervals)}")
        ax_g.set(title="g(z)", xlabel="z", xlim=(low, high))
        ax_dg.set(title="g′(z)  (shaded: |g′| < 0.01, saturated)", xlabel="z", xlim=(low, high))
        for ax in (ax_g, ax_dg):
            ax.axhline(0, color="0.6", linewidth=0.8)
            ax.grid(alpha=0.3)
        if data:
            ax_g.legend(fontsize=8)
        else:
            ax_g.text(0.5, 0.5, "tick an activation", ha="center", transform=ax_g.transAxes)
        self.info.value = "<br>".join(lines) or "Tick at least one activation."
        return data


def activation_explorer(selected=("sigmoid", "tanh", "relu"), z_range=(-6.0, 6.0)):
    """Compare activation functions and their derivatives over an adjustable range of $z$,
    with the saturated regions ($|g'| < 0.01$) shaded. Returns the widget."""
    return ActivationExplorer(selected, z_range)
