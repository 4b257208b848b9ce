"""The pip and conda routes install the same packages, and the repository holds no MNIST."""

import re
import subprocess
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]


def requirement(text):
    """``"numpy>=1.24"`` -> ``("numpy", ">=1.24")``, names normalized."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", text)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        texts += extra
    return dict(requirement(t) for t in texts)


def environment_requirements():
    """Every package line of environment.yml, conda and pip sections alike."""
    found = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        item = re.match(r"\s*-\s+(?!-e\b)([^#\s:][^#:]*)$", line)
        if item:
            name, version = requirement(item.group(1))
            found[name] = version
    return found


def test_environment_yml_and_pyproject_list_the_same_packages_and_versions():
    conda = environment_requirements()
    python_pin = conda.pop("python")
    conda.pop("pip")
    assert conda == pyproject_requirements()
    minimum = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert tuple(map(int, python_pin.lstrip("=").split("."))) >= tuple(
        map(int, minimum.lstrip(">=").split(".")))


def test_environment_yml_installs_nnlib_from_the_repository():
    assert re.search(r"^\s*-\s+-e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_no_mnist_file_is_tracked_by_git():
    try:
        tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert not [p for p in tracked if re.search(r"idx[13]-ubyte|mnist.*\.(npz|gz|pkl)", p, re.I)]
