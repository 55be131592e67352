# The two commands a new user needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test workers: one per core (pytest-xdist); `make test JOBS=1` runs them one at a time.
JOBS ?= auto
# A year ahead: the suite must pass on any date (the clock is injected everywhere).
SHIFT_DAYS ?= 365

.PHONY: demo test test-shifted soak lint typecheck bench clean fmt deploy lock

# Every package pinned and hashed (requirements.lock, made by `make lock`); the bot itself is
# then installed without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-pin after changing dependencies in pyproject.toml or infra/lambda-requirements.in (needs
# uv: `pip install uv`). The Lambda lock is resolved for the functions' Python 3.12 on arm64.
UV ?= uv
LOCK_FLAGS := --no-config --generate-hashes --custom-compile-command "make lock"
lock:
	$(UV) pip compile $(LOCK_FLAGS) --universal --python-version 3.11 \
	  --extra dev --extra demo --extra charts --extra http --extra lambda \
	  pyproject.toml -o requirements.lock
	$(UV) pip compile $(LOCK_FLAGS) --python-platform aarch64-manylinux2014 --python-version 3.12 \
	  infra/lambda-requirements.in -o infra/lambda-requirements.txt

demo: $(STAMP)
	$(BIN)/genai-ops demo

lint: $(STAMP)
	$(BIN)/ruff check alarms bot tests benchmarks
	$(BIN)/ruff format --check alarms bot tests benchmarks
	$(BIN)/cfn-lint infra/template.yaml infra/member-role.yaml

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal

# The whole suite with the date moved (time-machine in every Python process of the run,
# subprocesses included, through tests/support/date_shift/sitecustomize.py).
test-shifted: $(STAMP)
	PYTHONPATH="$(CURDIR)/tests/support/date_shift" TEST_DATE_SHIFT_DAYS=$(SHIFT_DAYS) \
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal -p no:cacheprovider

soak: $(STAMP)
	$(BIN)/python -m pytest -m soak

# Bytecode compiled first: the first run after a change would otherwise time the compiler in
# its import and cold-start figures.
bench: $(STAMP)
	$(BIN)/python -m compileall -q bot alarms benchmarks tests/support
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

fmt: $(STAMP)
	$(BIN)/ruff format alarms bot tests benchmarks
	$(BIN)/ruff check --fix alarms bot tests benchmarks
# --- AWS (SAM) -------------------------------------------------------------------------------
# `sam build` calls build-<Function> for each function (BuildMethod: makefile) with
# ARTIFACTS_DIR set; the package is the bot's code plus infra/lambda-requirements.txt (pinned
# and hashed), installed for the functions' runtime (Python 3.12 on arm64) whatever the local
# machine, so two builds of one commit hold the same packages.
LAMBDA_PLATFORM := --platform manylinux2014_aarch64 --implementation cp --python-version 3.12 --only-binary=:all:

build-SlackFunction build-PollerFunction build-UsageFunction:
	$(PY) -m pip install --quiet --require-hashes --no-deps --target "$(ARTIFACTS_DIR)" $(LAMBDA_PLATFORM) -r infra/lambda-requirements.txt
	cp -R alarms bot "$(ARTIFACTS_DIR)/"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -prune -exec rm -rf {} +

# First time: answers the prompts and saves them in samconfig.toml; later: deploys again with
# them. `sam build` runs the build-* targets above with this Makefile (PY: a Python with pip).
SAM_CONFIG := $(CURDIR)/samconfig.toml
deploy:
	@command -v sam >/dev/null || { echo "make deploy: install the AWS SAM CLI first: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html"; exit 2; }
	@$(PY) -m pip --version >/dev/null 2>&1 || { echo "make deploy: $(PY) has no pip; set PY=/path/to/python3 with pip"; exit 2; }
	sam build --template-file infra/template.yaml
	@if [ -f $(SAM_CONFIG) ]; then sam deploy --config-file $(SAM_CONFIG); \
	else sam deploy --guided --capabilities CAPABILITY_IAM --config-file $(SAM_CONFIG); fi
