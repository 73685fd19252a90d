# 行政服务百科. `make serve` and `make test` set everything up on a fresh machine (README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := .apt-installed
PORT ?= 8000
AUDIENCE ?= public

.PHONY: serve serve-staff build test test-fast test-browser validate docs clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

# System packages for the real-browser tests and screenshots: Debian's Chromium, CJK fonts, poppler-utils (pdftotext for the print test);
# Pango for WeasyPrint, which typesets the hall booklets (`build`, `booklet`).
$(APT_STAMP):
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 || ! dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; fi; \
	fi
	touch $(APT_STAMP)

validate: $(STAMP)
	$(BIN)/python -m build_tools validate

serve: $(STAMP)
	BAIKE_AUDIENCE=$(AUDIENCE) NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs serve --dirty --dev-addr 127.0.0.1:$(PORT)

serve-staff:
	$(MAKE) serve AUDIENCE=staff PORT=8001

build: $(STAMP) $(APT_STAMP)
	$(BIN)/python -m build_tools build --audience public
	$(BIN)/python -m build_tools build --audience staff

test: $(STAMP) $(APT_STAMP)
	$(BIN)/python -m pytest -n 2 -q

test-fast: $(STAMP) $(APT_STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

test-browser: $(STAMP) $(APT_STAMP)
	$(BIN)/python -m pytest -q -m browser

docs: $(STAMP)
	$(BIN)/python -m build_tools gen-docs

clean:
	rm -rf site site-staff generated/public generated/staff test-artifacts
