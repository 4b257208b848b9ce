"""The lessons' figure helper: one PNG with alt text, white background, the course palette."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nnlib import figures  # noqa: E402


def test_show_displays_one_png_with_its_alt_text_and_closes_the_figure(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display",
                        lambda obj, metadata=None: shown.append((obj, metadata)))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    figures.show(fig, "  A rising straight line.  ")
    (image, metadata), = shown
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert metadata == {"image/png": {"alt": "A rising straight line."}}
    assert not plt.fignum_exists(fig.number)


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_show_refuses_a_figure_without_alt_text(alt):
    fig = plt.figure()
    with pytest.raises(ValueError, match="needs alt text"):
        figures.show(fig, alt)
    plt.close(fig)


def test_the_course_style_is_the_palette_on_white():
    figures.use_course_style()
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.upper() for c in colors] == list(figures.PALETTE)
    assert matplotlib.rcParams["figure.facecolor"] == "white"
