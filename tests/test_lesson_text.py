"""What a learner reads is clean and keeps its promises: no control characters eaten from a
Python string, alt text on every figure, one H1 and headings in order, and every "lesson NN"
names a lesson that exists."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NUMBERS = {int(p.name[:2]) for p in NOTEBOOKS}
# "lesson 05", "Lesson 7", "lessons 03-05", "lessons 03 and 05", "lessons 10–12"
REFERENCE = re.compile(r"\b[Ll]essons?\s+(\d{1,2})(?:\s*(?:[-–—]|and|to|,)\s*(\d{1,2}))*")


def source(cell):
    return "".join(cell["source"])


def load(path):
    return json.loads(path.read_text())


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def lesson(request):
    return request.param.name, load(request.param)


def control_characters(text):
    return sorted({f"\\x{ord(ch):02x}" for ch in text if ord(ch) < 32 and ch != "\n"})


def test_no_control_characters_in_markdown(lesson):
    name, nb = lesson
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            found = control_characters(source(cell))
            assert not found, (f"{name} cell {index}: control characters {found} in markdown "
                               "(a backslash eaten by a Python string? write \\\\frac, not \\frac)")


def test_every_figure_has_alt_text(lesson):
    name, nb = lesson
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                alt = (output.get("metadata", {}).get("image/png") or {}).get("alt", "")
                assert str(alt).strip(), (f"{name} cell {index}: a figure without alt text; end "
                                          "the cell with nnlib.figures.show(fig, alt)")
            assert "image/svg+xml" not in output.get("data", {}), f"{name} cell {index}: PNG only"


def test_one_h1_and_headings_in_order(lesson):
    name, nb = lesson
    levels = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        in_code = False
        for line in source(cell).splitlines():
            if line.lstrip().startswith("```"):
                in_code = not in_code
            heading = re.match(r"^(#{1,6})\s", line)
            if heading and not in_code:
                levels.append(len(heading.group(1)))
    assert levels.count(1) == 1 and levels[0] == 1, f"{name}: one H1, first: {levels[:5]}"
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"{name}: a heading jumps from level {before} to {after}"


def lesson_references(text):
    for match in REFERENCE.finditer(text):
        yield from (int(n) for n in re.findall(r"\d{1,2}", match.group(0)))


def test_every_lesson_reference_names_a_lesson_that_exists(lesson):
    name, nb = lesson
    for index, cell in enumerate(nb["cells"]):
        for number in lesson_references(source(cell)):
            assert number in NUMBERS, (f"{name} cell {index} names lesson {number:02d}, which "
                                       f"does not exist (lessons: {sorted(NUMBERS)})")


@pytest.mark.parametrize("path", [ROOT / "README.md", *sorted((ROOT / "nnlib").rglob("*.py"))],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_readme_and_library_name_only_existing_lessons(path):
    for number in lesson_references(path.read_text()):
        assert number in NUMBERS, f"{path.name} names lesson {number:02d}, which does not exist"


def test_the_reference_finder_reads_ranges_and_lists():
    assert list(lesson_references("as lesson 05 shows; lessons 10–12 and Lesson 7")) == [
        5, 10, 12, 7]
    assert list(lesson_references("lessons 03, 04 and 05")) == [3, 4, 5]


def test_the_readme_lists_every_lesson():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"| {path.name[:2]} |" in readme, f"README's lesson table lacks {path.name}"


def test_plots_are_shown_through_the_alt_text_helper(lesson):
    name, nb = lesson
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert "plt.show()" not in source(cell), (
                f"{name} cell {index}: plt.show() cannot carry alt text; use show(fig, alt)")
