# The two commands of the quick start: `make run` (the main job) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHECKOV_VENV ?= .venv-checkov
CHROMIUM ?= /usr/bin/chromium
JQ ?= /usr/bin/jq

.PHONY: setup run test test-fast golden bench schemas clean catalog-screenshot

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# checkov pins packages pulumi cannot live with (docs/toolchain.md): it gets a virtualenv of its own
$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov==3.3.30'

# the catalog's browser tests drive Debian's Chromium (Playwright cannot download a browser here); CI runs as root
$(CHROMIUM):
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core

setup: $(BIN)/.installed

# the main job: the sample mesh checked, provisioned into a local AWS emulator, read back, its access proved, then each
# product's sample rows written by its job role, their quality tested and every product's status shown (fresh)
run: setup
	$(BIN)/meshplane validate --env local
	$(BIN)/meshplane up --local --verify --check --data --test --status

# the deploy script of the workflows reads `meshplane stacks --format json` with jq; a test runs it. apt-get takes one
# lock: under `make -j` (.ci/run) jq's install waits for Chromium's
$(JQ): | $(CHROMIUM)
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq

# worksteal: each worker takes a run of tests in file order (a module's fixtures built once) and an idle one steals
test: setup $(CHECKOV_VENV)/bin/checkov $(CHROMIUM) $(JQ)
	MESHPLANE_CHECKOV=$(CHECKOV_VENV)/bin/checkov MESHPLANE_DATACONTRACT=$(BIN)/datacontract MESHPLANE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n auto --dist worksteal

# the tests not marked slow (README: Tests): no emulator end to end, no external judge, no browser, so no checkov,
# Chromium nor jq to install
test-fast: setup
	$(BIN)/pytest -n auto --dist worksteal -m 'not slow'

golden: setup
	$(BIN)/python tests/components/golden_inventory.py --update

bench: setup
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_program.py --json benchmarks/results/program.json
	$(BIN)/python benchmarks/bench_access.py
	$(BIN)/python benchmarks/bench_catalog.py
	$(BIN)/python benchmarks/bench_stacks.py
	$(BIN)/python benchmarks/bench_local.py
	$(BIN)/python benchmarks/bench_contracts.py

# the README's pictures of the sample mesh's catalog (docs/catalog.png, docs/catalog-product.png)
catalog-screenshot: setup $(CHROMIUM)
	MESHPLANE_CHROMIUM=$(CHROMIUM) $(BIN)/python tests/browser/catalog_screenshot.py

schemas: setup
	$(BIN)/meshplane schema

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) out
