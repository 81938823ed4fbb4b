# Two commands on a fresh machine with python3 and make: `make run` and `make test`.
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test openapi bench clean

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PYTHON) app.py

test: $(STAMP)
	$(PYTHON) -m pytest -q

# Rewrites the committed spec from the code; tests/test_openapi.py fails when they differ.
openapi: $(STAMP)
	$(VENV)/bin/flask --app app openapi write --format=yaml openapi.yaml

bench: $(STAMP)
	$(PYTHON) bench/bench_delete.py
	$(PYTHON) bench/bench_in_use.py

clean:
	rm -rf $(VENV) .pytest_cache
