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


def environment_requirements(path=ROOT / "environment.yml"):
    """Every package line of an environment file, conda and pip sections alike."""
    found = {}
    text = path.read_text()
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


# Packages nnlib imports that come with a declared one (the import name, the declared package).
COMES_WITH = {"IPython": "ipywidgets", "cycler": "matplotlib", "jupyter_client": "nbclient",
              "mpl_toolkits": "matplotlib"}


def imported_packages():
    """The top-level names of every module that nnlib's code imports, stdlib and nnlib left out."""
    import ast
    import sys

    found = set()
    for path in (ROOT / "nnlib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"nnlib"}


def test_every_package_nnlib_imports_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {requirement(t)[0] for t in project["dependencies"]}
    undeclared = {name for name in imported_packages()
                  if COMES_WITH.get(name, name).lower().replace("_", "-") not in declared}
    assert not undeclared, f"nnlib imports {sorted(undeclared)}; add them to dependencies"


# ------------------------------------------------------------------------------- Binder

BINDER = ROOT / "binder"


def test_binder_environment_lists_the_course_dependencies_and_the_lab_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(requirement(t) for t in
                  project["dependencies"] + project["optional-dependencies"]["lab"])
    found = environment_requirements(BINDER / "environment.yml")
    python_pin = found.pop("python")
    assert found == wanted
    assert python_pin == environment_requirements()["python"]


def test_binder_environment_does_not_install_the_course_so_repo2docker_can_preassemble():
    text = (BINDER / "environment.yml").read_text()
    assert not re.search(r"^\s*-\s+(-e\s+)?\.\s*$", text, re.M)
    assert not re.search(r"^\s*-\s+pip:", text, re.M)


def test_binder_postbuild_installs_the_course_without_dependencies_and_makes_a_workspace():
    post_build = BINDER / "postBuild"
    lines = [line.strip() for line in post_build.read_text().splitlines()]
    assert lines[0] == "#!/bin/bash" and "set -euo pipefail" in lines
    install = [line for line in lines if "pip install" in line]
    assert install == ["python -m pip install --no-deps ."]
    assert lines.index(install[0]) < lines.index("python -m nnlib.workspace")
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    try:
        mode = subprocess.run(["git", "ls-files", "-s", "binder/postBuild"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.split()[:1]
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert mode in ([], ["100755"]), "git must record postBuild as executable"

