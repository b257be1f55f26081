# Two commands: `make run` (the app with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install translations lock clean

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint requirements.lock -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --directory aap/translations --domain messages --use-fuzzy --statistics 2>&1 | tail -n 1

run: install
	$(FLASK) db upgrade
	$(FLASK) aap demo > /dev/null
	$(FLASK) aap serve

test: install
	$(BIN)/ruff check aap tests bench
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive aap --severity-level medium
	$(BIN)/python -m pytest

# after a change of dependencies in pyproject.toml: pin every package again, for Python 3.11 and later
lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --extra production --universal --python-version 3.11 \
		--custom-compile-command "make lock" --quiet -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache
