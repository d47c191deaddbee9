# PCMD — the two commands of the README:
#   make demo   install, migrate, load the country and demo data, serve on http://$(HOST):$(PORT)
#   make test   install what the tests need and run the whole suite (SQLite, or DATABASE_URL)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test prod-test install install-test migrate lint docs vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The demo runs without HTTPS on this machine only: PCMD_HTTPS=0 turns off the HTTPS redirect.
# Mails (invitations, "quên mật khẩu") are written as files under var/mail/ (docs/accounts.md).
DEMO_ENV := PCMD_HTTPS=0 DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost,$(HOST) \
	EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend PCMD_SITE_URL=http://$(HOST):$(PORT)

demo: install
	$(DEMO_ENV) $(BIN)/pcmd migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/pcmd collectstatic --no-input -v 0
	$(DEMO_ENV) $(BIN)/pcmd seed-demo --scale demo
	@echo ""
	@echo "PCMD đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	$(DEMO_ENV) $(BIN)/pcmd runserver --noreload $(HOST):$(PORT)

test: install-test
	bash scripts/system-packages.sh
	$(BIN)/ruff check .
	$(BIN)/pcmd permissions-doc --check
	$(BIN)/pcmd indicators-doc --check
	PCMD_HTTPS=0 $(BIN)/pcmd makemigrations --check --dry-run -v 0
	$(BIN)/pytest

# The production stack end to end: gunicorn + whitenoise, PostgreSQL, Redis, a Celery worker killed mid-job.
prod-test: install-test
	$(BIN)/python scripts/prod_stack_test.py

lint: install-test
	$(BIN)/ruff check .

docs: install
	$(BIN)/pcmd permissions-doc

# Refresh the vendored front-end files from the npm registry (not part of any build).
vendor:
	bash scripts/vendor-static.sh

clean:
	rm -rf $(VENV) var
