# Two entry points (README): `make conformance` and `make test`.
# Both build .venv/ on first use; nothing is installed by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# pytest-xdist workers for every pytest run below (WORKERS=0: serial); the
# outcomes are those of a serial run with the same seed (tests/test_xdist.py).
WORKERS ?= auto
XDIST := -n $(WORKERS)
PYTEST := $(PY) -m pytest $(XDIST)

.PHONY: conformance matrix test test-own test-reference test-chainer test-blas test-numpy2 test-py3.12 test-py3.13 gpu-check-build gpu-check-dry sweep dist fixtures venv clean

# Builds virtual environment $(1) with interpreter $(3) from requirements file $(2),
# with Chainer $(4) (default 7.8.1).
define make_venv
	@echo "== building $(1) (Python: $(3), pins: $(2)); takes about a minute"
	$(3) -m venv $(1)
	$(1)/bin/python -m pip install -q --disable-pip-version-check -r $(2)
	# Chainer's setup.py imports pkg_resources: build it with the pinned setuptools.
	$(1)/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps chainer==$(or $(4),7.8.1)
	$(1)/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e .
	touch $(1)/.installed
	@echo "== $(1) ready"
endef

$(STAMP): pyproject.toml requirements/base.txt
	$(call make_venv,$(VENV),requirements/base.txt,$(PYTHON))

# NumPy 2 lane: real Chainer through the loader's shims, and the reference.
NP2_VENV := .venv-numpy2
$(NP2_VENV)/.installed: pyproject.toml requirements/numpy2.txt
	$(call make_venv,$(NP2_VENV),requirements/numpy2.txt,$(PYTHON))

# Modern-stack lanes: Python 3.12 and 3.13 (found by scripts/find-python, which
# fails naming where it looked) with the newest NumPy 2.
.venv-py%/.installed: pyproject.toml requirements/modern.txt
	@scripts/find-python $* >/dev/null
	$(call make_venv,.venv-py$*,requirements/modern.txt,$$(scripts/find-python $*))

venv: $(STAMP)

conformance: $(STAMP)
	$(PYTEST) conformance --impl=reference

test-own: $(STAMP)
	$(PYTEST) tests
	# The recorded Chainer traces are current: re-recording would change nothing.
	$(PY) fixtures/record.py --check

# The conformance matrix (scripts/matrix.py): the suite on every real
# implementation, merged into docs/matrix.md, docs/matrix.json and
# docs/migrating.md.  Each column's environment is built on first use by the
# rules below (the script asks make for it); not part of `make test`.
matrix: $(STAMP)
	$(PY) scripts/matrix.py $(if $(COLUMNS),--columns $(COLUMNS)) $(if $(JOBS),--jobs $(JOBS))

# Older Chainer releases: Python 3.11 and the pins of .venv
# (requirements/chainer-old.txt says why).
.matrix/chainer-%-py3.11/.installed: pyproject.toml requirements/chainer-old.txt requirements/base.txt
	@scripts/find-python 3.11 >/dev/null
	$(call make_venv,.matrix/chainer-$*-py3.11,requirements/chainer-old.txt,$$(scripts/find-python 3.11),$*)

# pytorch-pfn-extras (implementations/ppe.py) over torch's CPU build.
.matrix/ppe/.installed: pyproject.toml requirements/ppe.txt
	@scripts/find-python 3.11 >/dev/null
	$(call make_venv,.matrix/ppe,requirements/ppe.txt,$$(scripts/find-python 3.11))

# Re-record fixtures/traces/ from real Chainer (deterministic).
fixtures: $(STAMP)
	$(PY) fixtures/record.py

test-reference: $(STAMP)
	$(PYTEST) conformance --impl=reference

test-chainer: $(STAMP)
	$(PYTEST) conformance --impl=chainer

# The recorded Chainer traces are checked in every lane: Chainer re-recorded
# here agrees with them (fixtures/record.py --check) and so does the reference
# (tests/test_fixtures.py), within the tolerance of conformance/tolerances.py;
# and the meta-tests of breakages only NumPy 2 shows run here.
define lane
	$(1)/bin/python fixtures/record.py --check
	$(1)/bin/python -m pytest $(XDIST) -q tests/test_fixtures.py tests/meta/test_numpy2_caught.py
	$(1)/bin/python -m pytest $(XDIST) conformance --impl=chainer
	$(1)/bin/python -m pytest $(XDIST) conformance --impl=reference
endef

test-numpy2: $(NP2_VENV)/.installed
	$(call lane,$(NP2_VENV))

test-py3.12: .venv-py3.12/.installed
	$(call lane,.venv-py3.12)

test-py3.13: .venv-py3.13/.installed
	$(call lane,.venv-py3.13)

# Other CPUs: OpenBLAS kernels that sum in another order than this machine's
# (Prescott is the generic one).  Only the recorded traces hold BLAS results
# made elsewhere; everything else compares runs made on one machine.
BLAS_KERNELS := Haswell Sandybridge Prescott
test-blas: $(STAMP)
	for kernel in $(BLAS_KERNELS); do \
	    echo "== OPENBLAS_CORETYPE=$$kernel"; \
	    OPENBLAS_CORETYPE=$$kernel $(PY) fixtures/record.py --check || exit 1; \
	    OPENBLAS_CORETYPE=$$kernel $(PYTEST) -q tests/test_fixtures.py || exit 1; \
	done

# The GPU check (scripts/gpu-check), dry-run on the CPU: wheels built here,
# installed into a bare Python 3.12 environment that has only NumPy (as the
# GPU machine has only its own NumPy and CuPy), the suite run with --device=cpu.
GPU_DRY := .venv-gpu-dry
gpu-check-build: .venv-py3.12/.installed
	scripts/gpu-check build

gpu-check-dry: gpu-check-build
	rm -rf $(GPU_DRY)
	$$(scripts/find-python 3.12) -m venv $(GPU_DRY)
	$(GPU_DRY)/bin/python -m pip install -q --disable-pip-version-check numpy==2.5.5
	PYTHON=$(GPU_DRY)/bin/python OUT=$(GPU_DRY)/reports GPU_CHECK_ARGS=--max-examples=5 \
	    scripts/gpu-check run cpu

# The seed sweep (scripts/sweep.py): every lane, both implementations, each
# seed of SEEDS; one line per non-pass.  Not part of `make test`.
SEEDS ?= 1-20
sweep: $(STAMP) $(NP2_VENV)/.installed .venv-py3.12/.installed .venv-py3.13/.installed
	$(PY) scripts/sweep.py --seeds $(SEEDS) $(if $(LANES),--lanes $(LANES)) $(if $(IMPLS),--impls $(IMPLS))

test: test-own test-reference test-chainer test-blas test-numpy2 test-py3.12 test-py3.13 gpu-check-dry

# The suite's wheel (docs/implementers.md: the install path).
dist: $(STAMP)
	rm -rf dist
	$(PY) -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w dist .
	@ls dist

clean:
	rm -rf $(VENV) $(NP2_VENV) .venv-py3.12 .venv-py3.13 $(GPU_DRY) .gpu-check

# Mutation testing of the reference's semantic core with the conformance suite
# (see README).  SAMPLE=N runs a fixed-seed sample of N mutants (SEED=0),
# ONLY='reference.optimizers*' one area, RETEST=1 only the last run's
# undetected mutants against the current suite; the report is
# mutation/report.md and mutation/report.json.
.PHONY: mutation
mutation: $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements/mutation.txt
	$(PY) mutation/run.py $(if $(SAMPLE),--sample $(SAMPLE) --seed $(or $(SEED),0)) $(if $(ONLY),--only '$(ONLY)') $(if $(RETEST),--retest) $(if $(MUTATION_WORK),--work '$(MUTATION_WORK)')

# Benchmarks (not part of `make test`; they measure and print, and fail on
# nothing): where the suite's time goes per property (generation, engine,
# implementation, suite) for IMPLS at EXAMPLES per property, and load_npz's
# time against Chainer's.  E.g. make bench IMPLS=reference EXAMPLES=25
.PHONY: bench
bench: $(STAMP)
	$(PY) benchmarks/suite_split.py $(if $(IMPLS),--impls $(IMPLS)) $(if $(EXAMPLES),--examples $(EXAMPLES))
	$(PY) benchmarks/load_npz.py
