# `make test` sets up everything the tests need on a fresh Debian or Ubuntu machine, then runs them:
# the Python environment (.venv), the checkers from npm (node_modules: the Nu HTML checker, axe-core) and,
# with apt, chromium, Java, Node, poppler-utils, jing and epubcheck where they are missing. Each step is skipped once done.
# `make site` builds the edition into site/; `make serve` previews it.

PYTHON ?= python3
VENV := .venv
# apt-get needs root: use sudo only where we are not root already.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: test site serve system-tools

test: system-tools $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/python -m pytest

site: $(VENV)/.installed
	$(VENV)/bin/python build.py

serve: $(VENV)/.installed
	$(VENV)/bin/python build.py serve

$(VENV)/.installed: pyproject.toml
	[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Chrome counts as chromium (GitHub's runners carry Chrome; their chromium-browser may be a snap stub).
system-tools:
	@missing=""; \
	command -v chromium >/dev/null || command -v google-chrome >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v jing >/dev/null || missing="$$missing jing"; \
	command -v epubcheck >/dev/null || missing="$$missing epubcheck"; \
	if [ -n "$$missing" ]; then \
		echo "installing with apt:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
