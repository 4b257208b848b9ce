# The course's entry points. `make lab` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
NOTEBOOKS = $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: lab test unit notebooks lint release nbgrader-env nbgrader-all grade-lessons clean

# nbgrader lives in its own environment (with the course installed, for its kernels), so that
# the course's own install stays light. tests/test_nbgrader.py uses it.
NBGRADER_VENV ?= .venv-nbgrader
NBGRADER_PACKAGES = "nbgrader==0.9.6" "jupyterlab>=4.6,<4.7"

# A virtual environment with the course installed (editable) and its extras.
VENV_HELP = "could not create $(VENV): on Debian/Ubuntu install the venv module first (sudo apt install python3-venv), then run make again"

$(VENV)/.installed-lab: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo $(VENV_HELP); exit 1; }
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints.txt -e ".[lab]"
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo $(VENV_HELP); exit 1; }
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints.txt -e ".[lab,test]"
	touch $@ $(VENV)/.installed-lab

$(NBGRADER_VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(NBGRADER_VENV) || { rm -rf $(NBGRADER_VENV); echo $(VENV_HELP); exit 1; }
	$(NBGRADER_VENV)/bin/python -m pip install --upgrade pip
	$(NBGRADER_VENV)/bin/python -m pip install -c constraints.txt $(NBGRADER_PACKAGES) -e .
	touch $@

## Set up, make or update your workspace (your copy of the lessons, exercises blank; never
## overwritten), and open its first lesson in JupyterLab.
lab: $(VENV)/.installed-lab
	$(BIN)/python -m nnlib.workspace
	$(BIN)/jupyter lab workspace/01_the_neuron.ipynb

## Set up and run the whole test suite: unit tests, lint, and every notebook under strict nbval.
## (MNIST is fetched and verified first, so no lesson's stored output shows a download.)
test: $(VENV)/.installed-test $(NBGRADER_VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m nnlib download
	$(BIN)/python -m pytest

## Unit tests only (fast: no notebooks, no browser).
unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests --ignore=tests/test_browser.py --ignore=tests/test_student_versions.py \
		--ignore=tests/test_grading.py --ignore=tests/test_nbgrader.py

## Re-execute every lesson in place, top to bottom, and strip volatile metadata.
## This is the one canonical way to refresh the outputs that nbval compares.
notebooks: $(VENV)/.installed-test
	$(BIN)/python -m nnlib download
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

## Write student versions of every lesson to release/ (solutions stubbed, outputs cleared).
release: $(VENV)/.installed-test
	$(BIN)/python -m nnlib.assignments release

## nbgrader's environment alone (.venv-nbgrader): nbgrader 0.9.6, JupyterLab 4.6, the course.
nbgrader-env: $(NBGRADER_VENV)/.installed

## nbgrader end to end on every lesson: generate_assignment, autograde blank and solved, export.
## (Long: CI runs the same on lessons 03 and 07 only.)
nbgrader-all: $(VENV)/.installed-test $(NBGRADER_VENV)/.installed
	$(BIN)/python -m nnlib download
	NNLIB_NBGRADER_LESSONS=all $(BIN)/python -m pytest -o addopts="" -p no:cacheprovider tests/test_nbgrader.py

## The grader on every lesson's own solutions, lesson 10 included (CI grades all but 10).
grade-lessons: $(VENV)/.installed-test
	$(BIN)/python -m nnlib download
	NNLIB_GRADE_LESSONS=all $(BIN)/python -m pytest -o addopts="" -p no:cacheprovider \
		tests/test_grading.py -k every_lessons_own_solutions

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(NBGRADER_VENV) build *.egg-info
