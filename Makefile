# The two commands a new user needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test workers: one per core (pytest-xdist); `make test JOBS=1` runs them one at a time.
JOBS ?= auto
# A year ahead: the suite must pass on any date (the clock is injected everywhere).
SHIFT_DAYS ?= 365

.PHONY: demo test test-shifted soak lint typecheck bench clean fmt deploy

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,demo,charts,http,lambda]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/genai-ops demo

lint: $(STAMP)
	$(BIN)/ruff check alarms bot tests benchmarks
	$(BIN)/ruff format --check alarms bot tests benchmarks
	$(BIN)/cfn-lint infra/template.yaml

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -n $(JOBS)

# The whole suite with the date moved (time-machine in every Python process of the run,
# subprocesses included, through tests/support/date_shift/sitecustomize.py).
test-shifted: $(STAMP)
	PYTHONPATH="$(CURDIR)/tests/support/date_shift" TEST_DATE_SHIFT_DAYS=$(SHIFT_DAYS) \
	$(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider

soak: $(STAMP)
	$(BIN)/python -m pytest -m soak

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

fmt: $(STAMP)
	$(BIN)/ruff format alarms bot tests benchmarks
	$(BIN)/ruff check --fix alarms bot tests benchmarks
# --- AWS (SAM) -------------------------------------------------------------------------------
# `sam build` calls build-<Function> for each function (BuildMethod: makefile) with
# ARTIFACTS_DIR set; the package is the bot's code plus infra/lambda-requirements.txt,
# installed for the functions' runtime (Python 3.12 on arm64) whatever the local machine.
LAMBDA_PLATFORM := --platform manylinux2014_aarch64 --implementation cp --python-version 3.12 --only-binary=:all:

build-SlackFunction build-PollerFunction build-UsageFunction:
	$(PY) -m pip install --quiet --upgrade --target "$(ARTIFACTS_DIR)" $(LAMBDA_PLATFORM) -r infra/lambda-requirements.txt
	cp -R alarms bot "$(ARTIFACTS_DIR)/"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -prune -exec rm -rf {} +

deploy:
	@command -v sam >/dev/null || { echo "install the AWS SAM CLI first: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html"; exit 2; }
	sam build --template-file infra/template.yaml
	sam deploy --guided --capabilities CAPABILITY_IAM
