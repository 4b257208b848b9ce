r"""How the lessons show a figure: one PNG that carries its alt text, in colours that every
reader can tell apart, on a white background that stays readable on a dark theme.

>>> fig, ax = plt.subplots()
>>> ax.plot(z, sigmoid(z), color=PALETTE[0])
>>> show(fig, "The sigmoid: an S-shaped curve from 0 to 1, crossing 0.5 at z = 0.")

``show`` is the last line of every plot cell: it displays the figure once, as PNG with the alt
text in its display metadata (``{"image/png": {"alt": ...}}``), and closes it so that the
inline backend does not show it a second time.

The palette is Okabe and Ito's (2008), chosen to stay distinct for the common forms of colour
blindness. Importing this module makes it matplotlib's default colour cycle and gives figures
a white background.
"""

import io

import matplotlib
import matplotlib.pyplot as plt
from cycler import cycler

# Okabe-Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
# Two-colour diverging map for weights (negative / positive), also colour-blind safe.
DIVERGING_CMAP = "PuOr"
SEQUENTIAL_CMAP = "viridis"

STYLE = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "image.cmap": SEQUENTIAL_CMAP,
}


def use_course_style():
    """Make the course palette and a white background matplotlib's defaults."""
    matplotlib.rcParams.update(STYLE)


def figure_png(figure, dpi=None):
    """The PNG bytes of a matplotlib figure, on a white background."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white", dpi=dpi or figure.dpi,
                   bbox_inches="tight")
    return buffer.getvalue()


def show(figure, alt):
    """Display ``figure`` once, as a PNG whose alt text is ``alt``, and close it.

    alt: one or two sentences saying what the figure shows (not how it was drawn).
    Raises ``ValueError`` for empty alt text.
    """
    from IPython.display import Image, display

    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"show() needs alt text saying what the figure shows, got {alt!r}.")
    data = figure_png(figure)
    plt.close(figure)
    display(Image(data=data, format="png"), metadata={"image/png": {"alt": alt.strip()}})


use_course_style()
