# Two entry points (README): `make conformance` and `make test`.
# Both build .venv/ on first use; nothing is installed by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST := $(PY) -m pytest

.PHONY: conformance test test-own test-reference test-chainer test-numpy2 fixtures venv clean

# Builds a virtual environment $(1) from requirements file $(2).
define make_venv
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install -q --disable-pip-version-check -r $(2)
	# Chainer's setup.py imports pkg_resources: build it with the pinned setuptools.
	$(1)/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps chainer==7.8.1
	$(1)/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e .
	touch $(1)/.installed
endef

$(STAMP): pyproject.toml requirements/base.txt
	$(call make_venv,$(VENV),requirements/base.txt)

# NumPy 2 lane: real Chainer through the loader's shims, and the reference.
NP2_VENV := .venv-numpy2
$(NP2_VENV)/.installed: pyproject.toml requirements/numpy2.txt
	$(call make_venv,$(NP2_VENV),requirements/numpy2.txt)

venv: $(STAMP)

conformance: $(STAMP)
	$(PYTEST) conformance --impl=reference

test-own: $(STAMP)
	$(PYTEST) tests
	# The recorded Chainer traces are current: re-recording would change nothing.
	$(PY) fixtures/record.py --check

# Re-record fixtures/traces/ from real Chainer (deterministic).
fixtures: $(STAMP)
	$(PY) fixtures/record.py

test-reference: $(STAMP)
	$(PYTEST) conformance --impl=reference

test-chainer: $(STAMP)
	$(PYTEST) conformance --impl=chainer

test-numpy2: $(NP2_VENV)/.installed
	$(NP2_VENV)/bin/python -m pytest conformance --impl=chainer
	$(NP2_VENV)/bin/python -m pytest conformance --impl=reference

test: test-own test-reference test-chainer test-numpy2

clean:
	rm -rf $(VENV) $(NP2_VENV)

# Mutation testing of the reference's semantic core with the conformance suite
# (see README).  SAMPLE=N runs a fixed-seed sample of N mutants (SEED=0),
# ONLY='reference.optimizers*' one area, RETEST=1 only the last run's
# undetected mutants against the current suite; the report is
# mutation/report.md and mutation/report.json.
.PHONY: mutation
mutation: $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements/mutation.txt
	$(PY) mutation/run.py $(if $(SAMPLE),--sample $(SAMPLE) --seed $(or $(SEED),0)) $(if $(ONLY),--only '$(ONLY)') $(if $(RETEST),--retest)
