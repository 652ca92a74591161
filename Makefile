# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test lint bench screenshots venv clean dist dist-smoke

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/dispatch-desktop db upgrade
	$(BIN)/dispatch-desktop demo --if-empty
	QT_QPA_PLATFORM= $(BIN)/dispatch-desktop

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --durations=25

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,bench]'
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m dispatch_desktop screenshots --out-dir docs

# A one-folder frozen build (console + command line) in dist/dispatch-desktop/: docs/deploy.md.
DIST_STAMP := $(VENV)/.installed-dist
$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,dist]'
	@touch $(DIST_STAMP)

# PYTHONPATH: freeze this tree's package even where the venv's editable install points at
# another checkout (git worktrees sharing one venv).
dist: $(DIST_STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/dispatch-desktop.spec
	@du -sh dist/dispatch-desktop

# Runs the frozen build from a clean folder with no venv and no Python on PATH.
dist-smoke:
	bash packaging/smoke.sh dist/dispatch-desktop

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
