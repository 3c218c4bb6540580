# The two commands of the quick start:
#   make serve   set everything up, load the curated graph, serve it on http://127.0.0.1:8080
#   make test    set everything up (including Debian's chromium for browser tests) and run every test
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: setup serve test browser bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

serve: setup
	$(BIN)/coopkg init
	exec $(BIN)/coopkg serve

test: setup browser
	$(BIN)/pytest

bench: setup
	$(BIN)/coopkg bench --size 10000

clean:
	rm -rf $(VENV) node_modules var
