"""The parts every widget shares: a matplotlib figure shown as a PNG image, and controls.

Figures are drawn with matplotlib's object API (``matplotlib.figure.Figure``, never pyplot),
rendered to PNG bytes and put into an ``ipywidgets.Image``. This works the same in JupyterLab,
in a background thread, and in tests without a notebook, and it never prints anything. They use
the course's colour-blind-safe palette and colormaps (:mod:`nnlib.figures`) on white.

A widget lives only in a running kernel. Where a notebook is read without one (GitHub,
nbviewer, a stored output), :class:`Described` makes its output a sentence saying what the
widget is and that it appears when the cell is run; JupyterLab still shows the live widget.
"""

import html

import ipywidgets as widgets
from matplotlib.figure import Figure

from .._validation import check_choice
from ..figures import figure_png as course_figure_png

DPI = 80
LABEL_STYLE = {"description_width": "110px"}
CONTROL_LAYOUT = {"width": "340px"}


def new_figure(width, height, layout="constrained"):
    """A fresh matplotlib ``Figure`` of ``width`` x ``height`` inches, laid out compactly
    (``layout=None`` is faster for figures with many axes; place them yourself)."""
    return Figure(figsize=(width, height), dpi=DPI, layout=layout, facecolor="white")


def figure_png(figure):
    """The PNG bytes of a matplotlib ``Figure``, on white."""
    return course_figure_png(figure, dpi=DPI)


def image_widget(css_class, width):
    """An empty ``ipywidgets.Image`` for PNG figures ``width`` inches wide, shown at their
    natural size (narrower on a small screen), tagged with a CSS class for tests."""
    image = widgets.Image(format="png", layout={"width": f"{round(width * DPI)}px",
                                                "max_width": "100%", "height": "auto"})
    image.add_class(css_class)
    return image


def message_html(text, error=False):
    """Escaped ``text`` as HTML, in red when it reports an ``error``."""
    style = "color:#b00020" if error else "color:#333"
    return f'<span style="{style}">{html.escape(text)}</span>'


def slider(description, value, low, high, step, kind=widgets.FloatSlider, **options):
    """A labelled slider with the common style (``kind`` may be any ipywidgets slider)."""
    return kind(value=value, min=low, max=high, step=step, description=description,
                style=LABEL_STYLE, layout=CONTROL_LAYOUT, **options)


def dropdown(description, options, value):
    """A labelled drop-down list with the common style. ``options``: values, or
    ``(label, value)`` pairs. Raises ``ValueError`` if ``value`` is not one of them."""
    values = [option[1] if isinstance(option, tuple) else option for option in options]
    check_choice(value, description, values)
    return widgets.Dropdown(options=options, value=value, description=description,
                            style=LABEL_STYLE, layout=CONTROL_LAYOUT)


class Described:
    """Mixin for a widget: its stored output says what it is (``what``, one sentence) and
    that it appears when the cell is run. The live widget view is kept, so JupyterLab shows
    the widget; a reader without a kernel gets the sentence (plain text and HTML)."""

    what = "An interactive widget."

    def description(self):
        """The sentence a reader without a running kernel sees, with the widget's settings."""
        return (f"{self.what} It is an interactive widget: it appears here when you run this "
                f"cell in Jupyter. [{self!r}]")

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        text = self.description()
        bundle["text/plain"] = text
        bundle["text/html"] = f"<p><em>{html.escape(text)}</em></p>"
        return bundle


class FigureExplorer(Described, widgets.VBox):
    """Controls above a figure that is redrawn whenever one of the controls changes.

    Subclasses implement ``draw(figure)``, which draws into a fresh ``Figure`` and returns the
    numbers it plotted; they are kept in ``last_plot_data`` (for tests and the curious).
    ``info`` is an HTML line under the figure for a short explanation of what is shown.
    """

    css_class = "nnlib-explorer"
    figure_size = (8.0, 3.5)
    figure_layout = "constrained"

    def __init__(self, controls, rows):
        self.controls = controls
        self.image = image_widget(f"{self.css_class}-figure", self.figure_size[0])
        self.info = widgets.HTML()
        self.last_plot_data = {}
        super().__init__([*rows, self.image, self.info])
        self.add_class("nnlib-explorer")
        self.add_class(self.css_class)
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change=None):
        """Draw the figure for the current control values and show it."""
        figure = new_figure(*self.figure_size, layout=self.figure_layout)
        self.last_plot_data = self.draw(figure)
        self.image.value = figure_png(figure)

    def draw(self, figure):
        raise NotImplementedError

    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def __repr__(self):
        settings = ", ".join(f"{name}={value!r}" for name, value in self.values().items())
        return f"{type(self).__name__}({settings})"
