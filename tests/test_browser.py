"""The widgets in a real browser: JupyterLab 4 + headless Chromium, driven by Playwright.

A JupyterLab server (this environment's) runs on 127.0.0.1 with a random port and token, in
temporary runtime/config/settings folders, on a temporary copy of ``notebooks/`` (so running
the cells changes no file of the repository). For a small notebook of our own and for every
lesson ``notebooks/NN_*.ipynb``, the test opens it, runs all cells, waits for the kernel to be
idle, then checks that every widget output rendered (no "Loading widget..." left, no "Error
displaying widget"), that pressing ArrowRight on an explorer's slider redraws its figure, and
that the dashboard's Train button draws curves and its Stop button stops the run. In the
learner's workspace made in that copy (``python -m nnlib.workspace``), the first lesson runs
and its first check fails with the not-implemented message and its hint, as a learner sees it.
Screenshots go to ``test-artifacts/`` (gitignored).

Needs Chromium at /usr/bin/chromium (Debian/Ubuntu: ``apt-get install chromium``); without it
the test is skipped, except under CI (``CI=true``), where it fails.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from nnlib import workspace
from nnlib.assignments import nbgrader

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
LESSONS = sorted(REPO.glob("notebooks/[0-9][0-9]*.ipynb"))
# Strict nbval runs every lesson; the browser adds what only a browser shows: its widgets.
WIDGET_LESSONS = [path for path in LESSONS if "nnlib.widgets" in path.read_text()]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDGETS_EXTENSION = "jupyter-widgets-jupyterlab-manager"
SERVER_START_SECONDS = 120
NOTEBOOK_RUN_SECONDS = 900
WIDGET_SECONDS = 60
WORKSPACE = "workspace"

# A small notebook with every widget, to test them apart from the lessons.
CHECK_NOTEBOOK = "widgets_check.ipynb"
CHECK_CELLS = [
    "from nnlib.widgets import (activation_explorer, init_explorer, neuron_explorer,\n"
    "                           training_dashboard)",
    "neuron_explorer()",
    "activation_explorer()",
    "init_explorer()",
    "training_dashboard('moons', hidden='8', epochs=3, batch_size=32)",
    "training_dashboard('moons', hidden='8', epochs=100000, batch_size=8)",
]
# Settings of the temporary JupyterLab: render every cell (no windowing, so that every output
# is in the page) and no news or update pop-ups over the screenshots.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                     "checkForUpdates": False},
}


# ---------------------------------------------------------------- the server and the browser

def require_chromium():
    """Skip (fail under CI) when there is no Chromium to drive."""
    if CHROMIUM.exists():
        return
    message = (f"the browser test needs Chromium at {CHROMIUM}; on Debian/Ubuntu install it "
               "with `apt-get install chromium` (never `playwright install`)")
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}. Under CI (CI=true) this test must run, not be skipped.")
    pytest.skip(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_check_notebook(path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CHECK_CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    nbformat.write(notebook, path)


def write_lab_settings(folder):
    for plugin, settings in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))


class LabServer:
    """A JupyterLab server in its own process group, in temporary folders."""

    def __init__(self, root, state):
        self.root, self.state = root, state
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.log_path = state / "server.log"
        write_lab_settings(state / "settings")
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(state / "runtime"),
                   JUPYTER_CONFIG_DIR=str(state / "config"), JUPYTER_DATA_DIR=str(state / "data"),
                   IPYTHONDIR=str(state / "ipython"), JUPYTER_PLATFORM_DIRS="1",
                   MPLBACKEND="module://matplotlib_inline.backend_inline", NNLIB_PROGRESS="0")
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
                   "--LabApp.expose_app_in_browser=True",
                   f"--LabApp.user_settings_dir={state / 'settings'}",
                   f"--LabApp.workspaces_dir={state / 'workspaces'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # containers and CI runners often run as root
        self.log = open(self.log_path, "w")  # closed in stop()
        self.process = subprocess.Popen(command, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def url(self, path):
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path}{separator}token={self.token}"

    def api(self, path, method="GET"):
        request = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def wait_until_ready(self):
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"jupyter lab exited with code {self.process.returncode}:\n"
                            f"{self.log_text()}")
            try:
                self.api("api/status")
                return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"jupyter lab did not answer within {SERVER_START_SECONDS} s:\n"
                    f"{self.log_text()}")

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text()[-5000:]

    def stop(self):
        """Shut the kernels down, then the server (killed if it does not stop in time)."""
        if self.process.poll() is None:
            try:
                for kernel in self.api("api/kernels"):
                    self.api(f"api/kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab on a temporary copy of the notebooks, stopped at the end."""
    require_chromium()
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(REPO / "notebooks", root,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "student", "release"))
    write_check_notebook(root / CHECK_NOTEBOOK)
    workspace.update(root, root / WORKSPACE, log=lambda message: None)
    server = LabServer(root, base / "state")
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


# ---------------------------------------------------------------- driving a notebook

CURRENT = "window.jupyterapp.shell.currentWidget"
# (window.jupyterapp is undefined until the app has started, e.g. after ?reset reloads it)
KERNEL_STATUS = (f"(() => {{ const w = window.jupyterapp && {CURRENT}; "
                 "const s = w && w.sessionContext && "
                 "w.sessionContext.session; return s && s.kernel ? s.kernel.status : null; })()")
# One entry per code cell: its prompt, whether it has a widget output, whether a widget view
# rendered in it, and the output text (which shows "Loading widget..." or errors).
CELL_REPORT = f"""() => {CURRENT}.content.widgets
    .filter(cell => cell.model.type === 'code')
    .map(cell => {{
        const outputs = cell.model.outputs.toJSON();
        const area = cell.node.querySelector('.jp-OutputArea');
        return {{
            prompt: cell.node.querySelector('.jp-InputPrompt').textContent.trim(),
            widget: outputs.some(o => o.data &&
                                 o.data['application/vnd.jupyter.widget-view+json']),
            rendered: !!(area && area.querySelector(
                '.jp-OutputArea-output .jupyter-widgets.widget-container, ' +
                '.jp-OutputArea-output .jupyter-widgets.widget-inline-hbox')),
            text: area ? area.innerText : '',
            error: outputs.filter(o => o.output_type === 'error')
                          .map(o => o.ename + ': ' + o.evalue).join('; '),
        }};
    }})"""


def open_notebook(page, lab, name):
    """Open ``name`` alone in a fresh workspace, wait for its kernel to be idle, and return
    the locator of its panel (every later search stays inside it)."""
    page.goto(lab.url(f"lab/workspaces/{Path(name).stem}/tree/{name}?reset"))
    page.wait_for_function(f"{KERNEL_STATUS} === 'idle'", timeout=SERVER_START_SECONDS * 1000)
    panel_id = page.evaluate(f"{CURRENT}.id")
    return page.locator(f"[id='{panel_id}']")


def run_all_cells(page, timeout=NOTEBOOK_RUN_SECONDS):
    """Run every cell (the Run menu's command) and wait until the kernel is idle with no
    cell queued. Returns the cell report."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline, idle_polls = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        cells = page.evaluate(CELL_REPORT)
        busy = page.evaluate(KERNEL_STATUS) != "idle" or any(c["prompt"] == "[*]:"
                                                             for c in cells)
        idle_polls = 0 if busy else idle_polls + 1
        if idle_polls >= 3:
            return cells
    pytest.fail(f"the notebook was still running after {timeout} s")


def check_cells_ran(cells, name):
    """Every code cell has an execution count: none was skipped after an error."""
    not_run = [i for i, c in enumerate(cells) if not c["prompt"][1:2].isdigit()]
    errors = [f"code cell {i}: {c['error']}" for i, c in enumerate(cells) if c["error"]]
    assert not not_run, (f"{name}: code cells {not_run} did not run in JupyterLab "
                         f"(an earlier cell failed?): {errors}")


def wait_for_widgets(page, name):
    """Wait until no widget output still says "Loading widget..."; then check every widget
    output rendered a view and none shows an error."""
    deadline = time.monotonic() + WIDGET_SECONDS
    cells = page.evaluate(CELL_REPORT)
    while any("Loading widget" in c["text"] for c in cells) and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        cells = page.evaluate(CELL_REPORT)
    for index, cell in enumerate(cells):
        assert "Loading widget" not in cell["text"], f"{name}: code cell {index} stuck loading"
        assert "Error displaying widget" not in cell["text"], (
            f"{name}: code cell {index}: {cell['text'][:300]}")
        if cell["widget"]:
            assert cell["rendered"], f"{name}: code cell {index}'s widget did not render"
    return sum(cell["widget"] for cell in cells)


def image_source(locator):
    return locator.get_attribute("src")


def wait_for_new_source(page, image, old, what):
    deadline = time.monotonic() + WIDGET_SECONDS
    while image_source(image) == old:
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: the figure did not change within {WIDGET_SECONDS} s")
        page.wait_for_timeout(200)


def check_explorer_responds(page, explorer, what):
    """Press ArrowRight on the explorer's first enabled slider; its figure must be redrawn."""
    image = explorer.locator("img.widget-image").first
    before = image_source(image)
    handle = explorer.locator(".noUi-target:not([disabled]) .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press("ArrowRight")
    wait_for_new_source(page, image, before, what)


def check_dashboard_trains(page, dashboard, what, mode):
    """Press Train: the curves must be redrawn, then the test accuracy shown.

    mode: ``"finish"`` lets the run end by itself; ``"stop"`` presses Stop once the curves
    first change and requires that the run ended early; ``"stop if running"`` presses Stop
    too but accepts a run that was already over (a lesson's short run on a toy set)."""
    curves = dashboard.locator("img.nnlib-dashboard-curves")
    train = dashboard.locator("button.nnlib-dashboard-train")
    before = image_source(curves)
    train.scroll_into_view_if_needed()
    train.click()
    wait_for_new_source(page, curves, before, f"{what} (curves after Train)")
    if mode != "finish":
        # force: a run that just ended has disabled the button; the click then does nothing.
        dashboard.locator("button.nnlib-dashboard-stop").click(force=True)
    status = dashboard.locator(".nnlib-dashboard-status")
    page.wait_for_function(
        "el => el.innerText.startsWith('Done') || el.innerText.startsWith('Training failed')",
        arg=status.element_handle(), timeout=WIDGET_SECONDS * 1000 * 5)
    assert status.inner_text().startswith("Done"), f"{what}: {status.inner_text()}"
    if mode != "stop if running":
        stopped = "stopped early" in status.inner_text()
        assert stopped == (mode == "stop"), f"{what}: {status.inner_text()}"
    assert "Test accuracy" in dashboard.locator(".nnlib-dashboard-result").inner_text()
    assert train.is_enabled()


def exercise_notebook(browser, lab, name, dashboard_modes):
    """Open, run, and check every widget of one notebook; screenshots to test-artifacts/.
    ``dashboard_modes(i)`` is the :func:`check_dashboard_trains` mode of dashboard ``i``."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = Path(name).stem
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    try:
        notebook = open_notebook(page, lab, name)
        cells = run_all_cells(page)
        check_cells_ran(cells, name)
        n_widgets = wait_for_widgets(page, name)
        explorers = notebook.locator(".nnlib-explorer")
        for i in range(explorers.count()):
            check_explorer_responds(page, explorers.nth(i), f"{name}: explorer {i}")
            explorers.nth(i).screenshot(path=ARTIFACTS / f"{stem}-explorer-{i}.png")
        dashboards = notebook.locator(".nnlib-training-dashboard")
        for i in range(dashboards.count()):
            check_dashboard_trains(page, dashboards.nth(i), f"{name}: dashboard {i}",
                                   dashboard_modes(i))
            dashboards.nth(i).screenshot(path=ARTIFACTS / f"{stem}-dashboard-{i}.png")
        return n_widgets, explorers.count(), dashboards.count()
    finally:
        page.screenshot(path=ARTIFACTS / f"{stem}.png")
        # Stop this notebook's kernel (when the page got that far).
        page.evaluate("window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown()")
        page.close()


# ---------------------------------------------------------------- the tests

def test_jupyterlab_has_the_widgets_extension_enabled(lab):
    extensions = {ext["name"]: ext for ext in lab.api("lab/api/extensions")}
    assert WIDGETS_EXTENSION in extensions, (
        f"JupyterLab lacks {WIDGETS_EXTENSION} (ipywidgets' lab extension, shipped in the "
        f"jupyterlab_widgets package); it has: {sorted(extensions)}")
    assert extensions[WIDGETS_EXTENSION]["enabled"], (
        f"{WIDGETS_EXTENSION} is installed but disabled (see `jupyter labextension list`)")


def test_every_widget_renders_responds_trains_and_stops(browser, lab):
    n_widgets, n_explorers, n_dashboards = exercise_notebook(
        browser, lab, CHECK_NOTEBOOK, dashboard_modes=["finish", "stop"].__getitem__)
    assert (n_widgets, n_explorers, n_dashboards) == (5, 3, 2)


@pytest.mark.parametrize("lesson", WIDGET_LESSONS, ids=[path.stem for path in WIDGET_LESSONS])
def test_lesson_widgets_render_and_respond(browser, lab, lesson):
    exercise_notebook(browser, lab, lesson.name, dashboard_modes=lambda i: "stop if running")


def test_a_workspace_lesson_runs_and_its_first_check_shows_the_not_implemented_hint(browser,
                                                                                   lab):
    """The learner's view: the blank first lesson of the workspace, Run All. Every cell up to
    the first check runs; that check fails with the message and first hint a learner needs
    (JupyterLab's Run All stops at that first failure, as it does for a learner)."""
    name = f"{WORKSPACE}/{LESSONS[0].name}"
    source = nbformat.read(lab.root / name, as_version=4)
    code = [cell for cell in source.cells if cell.cell_type == "code"]
    first_check = next(i for i, cell in enumerate(code) if nbgrader(cell).get("grade"))
    assert any(nbgrader(cell).get("solution") for cell in code[:first_check])
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    try:
        open_notebook(page, lab, name)
        cells = run_all_cells(page)
        page.evaluate(f"""() => {CURRENT}.content.widgets
            .filter(cell => cell.model.type === 'code')[{first_check}].node.scrollIntoView()""")
        assert len(cells) == len(code)
        for index, cell in enumerate(cells[:first_check]):
            assert cell["prompt"][1:2].isdigit(), f"{name}: code cell {index} did not run"
            assert not cell["error"], f"{name}: code cell {index}: {cell['error']}"
        check = cells[first_check]
        assert check["error"].startswith("CheckFailed: "), check
        assert "not implemented yet" in check["error"] and "Hint: " in check["error"], check
        hint = check["error"].split("Hint: ", 1)[1].strip()
        assert len(hint) > 10, check["error"]
        # What the page shows, not only the kernel's reply.
        assert "not implemented yet" in check["text"] and hint[:40] in check["text"], check
    finally:
        page.screenshot(path=ARTIFACTS / "workspace-first-lesson.png")
        page.evaluate("window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown()")
        page.close()
