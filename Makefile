# CognitoSMSRedirect — the first two commands are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift

.PHONY: demo test deps build help pool-model cfn-json

help:
	@echo "make demo        run the whole flow against a local moto server (no AWS account)"
	@echo "make test        install test dependencies, start moto on loopback, build once, run every test"
	@echo "make bench-esdk  Encryption SDK decrypt: against the primitives floor and the Python SDK"
	@echo "make fuzz        fuzz the Encryption SDK message parser and decryptor (FUZZ_TIME=60)"
	@echo "make cfn-json    regenerate cfn/*.json from cfn/*.yaml (the TemplateTests check they match)"

# The whole flow on this machine: moto on a free loopback port, no AWS account.
demo: deps
	$(SWIFT) build --product smsredirect
	$(SWIFT) build --product sender
	$(SWIFT) build --product helper
	scripts/with-moto.sh .build/debug/smsredirect demo

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
	@echo "demo (the README's first command, on the same build):"
	scripts/with-moto.sh .build/debug/smsredirect demo

# Regenerates the UpdateUserPool allowlist from the installed botocore (pinned in scripts/pins.sh).
pool-model: deps
	python3 scripts/generate-pool-model.py

# The JSON twins of the CloudFormation templates, generated from the YAML with cfn-lint's decoder.
cfn-json: deps
	python3 scripts/cfn_to_json.py

include esdk.mk
