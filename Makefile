# CognitoSMSRedirect — the first two commands are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift

.PHONY: demo test deps build help pool-model

help:
	@echo "make demo        run the whole flow against a local moto server (no AWS account)"
	@echo "make test        install test dependencies, start moto on loopback, build once, run every test"
	@echo "make bench-esdk  Encryption SDK decrypt: against the primitives floor and the Python SDK"
	@echo "make bench-helper  the helper's Create + Delete on moto: against the AWS sample's pip-a-layer flow"
	@echo "make fuzz        fuzz the Encryption SDK message parser and decryptor (FUZZ_TIME=60)"

demo:
	@echo "make demo: not yet — the demo lands with the deploy-and-demo issue. Run 'make test' meanwhile." >&2
	@exit 1

deps:
	@scripts/install-test-deps.sh

build:
	$(SWIFT) build --build-tests

# One build, then the whole suite against moto servers that live exactly as long as the run;
# then no code or ciphertext the tests made may appear anywhere in the run's output.
test: deps build
	@rm -f .build/test-secrets.txt
	@set -o pipefail; SMSREDIRECT_SECRET_LEDGER=$(CURDIR)/.build/test-secrets.txt \
	  scripts/with-moto.sh $(SWIFT) test --skip-build 2>&1 | tee .build/test-output.log
	@scripts/check-secrets-not-logged.sh .build/test-secrets.txt .build/test-output.log

# Regenerates the UpdateUserPool allowlist from the installed botocore (pinned in scripts/pins.sh).
pool-model: deps
	python3 scripts/generate-pool-model.py

include esdk.mk
include bench-helper.mk
