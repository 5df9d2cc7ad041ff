# CognitoSMSRedirect — the first two commands are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift

.PHONY: lambda-zips demo test unit format test-format test-docs deps build help pool-model package install deploy destroy cfn-json test-package test-moto test-requests test-secrets test-demo test-under-load moto-suite test-hostile test-stack release test-workflows build-deps

help:
	@echo "The README's first two commands:"
	@echo "  make demo          deploy the existing-pool template into a local CloudFormation engine (ministack) and run the whole flow (no AWS account)"
	@echo "  make test          everything below marked (test), in order; what CI runs"
	@echo "Tests, each step on its own:"
	@echo "  make unit          the suites tagged .unit: no moto, no Python, no packaging (the edit-compile-test loop)"
	@echo "  make format        rewrite Sources, Tests and Package.swift in the project's style (.swift-format)"
	@echo "  make test-format   (test) fail on any file \`make format\` would change"
	@echo "  make test-docs     (test) fail on any public declaration without a /// doc comment"
	@echo "  make test-workflows (test) zizmor on .github/workflows: any finding fails"
	@echo "  make deps          (test) install the pinned apt and pip packages the tests and benchmarks use"
	@echo "  make build         (test) build the package and its tests once, in .build"
	@echo "  make test-package  (test) the Lambda zips and the CLI archive from a debug build, checked for glibc 2.34"
	@echo "  make test-moto     (test) the suite on moto servers on loopback, all but the engine's targets (the shipped zips run in a bare root there)"
	@echo "  make test-requests (test) every awsJson request test-moto sent, through botocore's parameter validator"
	@echo "  make test-stack    (test) both templates deployed through ministack's CloudFormation from the debug zips: create, update, rollback, delete, a code"
	@echo "  make test-secrets  (test) no code, password, ciphertext or ResponseURL signature in the output or the logs (ministack's too)"
	@echo "  make test-demo     (test) the demo on the same build"
	@echo "  make test-under-load  make test-moto while stress-ng keeps every core busy (the suite must not depend on speed)"
	@echo "  make test-hostile  the careless- and hostile-input probes alone (they run in test-moto too)"
	@echo "Shipping:"
	@echo "  make package       dist/sender.zip, dist/helper.zip, dist/encryption-sdk-layer.zip, dist/smsredirect-<version>-linux-x86_64.tar.gz (release builds)"
	@echo "  make lambda-zips   the three Lambda zips alone (no CLI); the sender's link map is checked for full Foundation"
	@echo "  make install       PREFIX=… (default /usr/local): package, then install the static smsredirect CLI under PREFIX/bin"
	@echo "  make deploy        STACK=… EMAIL=… [USER_POOL_ID=… SMS_ROLE_ARN=… REDIRECT_EMAIL=true] [DRY_RUN=1]: check the input, build, then smsredirect deploy the build"
	@echo "  make destroy       STACK=…: delete the stack and say whether the pool was restored (smsredirect destroy)"
	@echo "  make release       dist/release/<version>/: zips, CLI archive, templates packaged for the release buckets, SHA256SUMS, manifest, LAUNCH.md"
	@echo "Generated files:"
	@echo "  make pool-model    regenerate the UpdateUserPool allowlist from the pinned botocore"
	@echo "  make cfn-json      regenerate cfn/*.json from cfn/*.yaml (the TemplateTests check they match)"
	@echo "Benchmarks (ratios against a peer measured in the same run):"
	@echo "  make bench-esdk    Encryption SDK decrypt: against the primitives floor and the Python SDK"
	@echo "  make bench-sender  sender cold start, init, warm latency, peak RSS: the shipped sender vs the sample's Python sender"
	@echo "                     (BENCH_BASELINE=DIR: an earlier build's zips beside it in the same run)"
	@echo "  make bench-helper  the helper's Create + Delete on moto: against the AWS sample's pip-a-layer flow"
	@echo "  make bench-inbox   20 parallel waiters, shared and per-run inboxes: wait-code vs the boto3 example (publish → code)"
	@echo "  make fuzz          fuzz the Encryption SDK message parser and decryptor (FUZZ_TIME=60)"

# The whole flow on this machine, no AWS account: the Lambda zips and the CLI built as `make
# package` builds them (a debug build: test-package), and the existing-pool template deployed
# through ministack's CloudFormation on a free loopback port.
demo: test-package
	scripts/with-ministack.sh $(LAMBDA_SCRATCH)/debug/smsredirect demo --template cfn/existing-user-pool.json --artifacts dist

deps:
	@scripts/install-test-deps.sh

# What a build alone needs (make package, make release): Debian's static libraries, no test peers.
build-deps:
	@scripts/install-test-deps.sh --build-only

build:
	$(SWIFT) build --build-tests

# Lambda zips in dist/: release builds for deploying. `make test` packages a debug build the same
# way, to check the layout and the runtime closure on every run. Lambda's provided.al2023 promises
# glibc and nothing else, so everything else is linked in: the Swift runtime and Foundation
# (--static-swift-stdlib), libgcc, and libstdc++, zlib and SQLite from $(STATIC_LIBS), a folder
# holding only their .a files that the linker searches first. Static linking changes how every
# module is compiled: these builds get their own scratch path. Nothing loads these executables'
# symbols at run time, so none is exported (the swiftc driver exports every public symbol of every
# module: 33,000 for the sender, 3.6 MB of dynamic symbol table, and code the linker cannot drop).
PACKAGE_CONFIG ?= release
LAMBDA_SCRATCH := .build-lambda
STATIC_LIBS := $(LAMBDA_SCRATCH)/static-libs
LAMBDA_BUILD := $(SWIFT) build -c $(PACKAGE_CONFIG) --scratch-path $(LAMBDA_SCRATCH)
LAMBDA_LINK := --static-swift-stdlib -Xlinker -lCoreFoundation -Xlinker -l_FoundationICU \
  -Xlinker -l_FoundationCShims -Xlinker -l_FoundationCollections \
  -Xswiftc -L -Xswiftc $(CURDIR)/$(STATIC_LIBS) -Xswiftc -Xclang-linker -Xswiftc -static-libgcc \
  -Xlinker --no-export-dynamic

# The CLI's version, from its one source.
VERSION := $(shell sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/smsredirect/Release.swift)
CLI_ARCHIVE := dist/smsredirect-$(VERSION)-linux-x86_64.tar.gz
PREFIX ?= /usr/local

# The sender's core is linked with a map of why each archive member came in: the layer must hold
# no Foundation beyond FoundationEssentials (no ICU, no FoundationInternationalization), and
# check-sender-closure.py names the module that pulled any in.
# In the scratch folder itself: its <config> link to the products only appears after a first build.
SENDER_MAP := $(CURDIR)/$(LAMBDA_SCRATCH)/sender-$(PACKAGE_CONFIG).map

# The three Lambda zips alone (the benchmarks need no CLI).
lambda-zips: build-deps
	scripts/static-libs.sh $(STATIC_LIBS)
	$(LAMBDA_BUILD) $(LAMBDA_LINK) -Xlinker -Map=$(SENDER_MAP) --product sender
	python3 scripts/check-sender-closure.py $(SENDER_MAP)
	$(LAMBDA_BUILD) $(LAMBDA_LINK) --product helper
	@# The launcher is plain C built by cc, not SwiftPM: SwiftPM links every executable with the
	@# Swift runtime, and the launcher must need nothing but libc.
	cc -O2 -Wall -Wextra -o $(LAMBDA_SCRATCH)/$(PACKAGE_CONFIG)/SenderLauncher Sources/SenderLauncher/main.c
	scripts/package.sh $(LAMBDA_SCRATCH)/$(PACKAGE_CONFIG) dist

package: lambda-zips
	$(LAMBDA_BUILD) $(LAMBDA_LINK) --product smsredirect
	scripts/package-cli.sh $(LAMBDA_SCRATCH)/$(PACKAGE_CONFIG)/smsredirect $(VERSION) dist

install: package
	scripts/install-cli.sh $(CLI_ARCHIVE) "$(DESTDIR)$(PREFIX)"

# Deploy a build to your AWS account (docs/operator-guide.md): the same `smsredirect deploy` a release user
# runs, from this build's template and zips; destroy restores an existing pool.
# The input (STACK, EMAIL, USER_POOL_ID, SMS_ROLE_ARN, the region) is checked before the release
# build, so a typo fails in a second, not after it. DRY_RUN=1 builds nothing and calls no AWS API:
# it prints the commands.
deploy:
	scripts/deploy.sh --check
	$(if $(filter-out 0,$(DRY_RUN)),@echo "+ $(MAKE) package",$(MAKE) --no-print-directory package)
	scripts/deploy.sh

destroy:
	@: "$${STACK:?set STACK=<stack name>}"
	@[ -x $(LAMBDA_SCRATCH)/release/smsredirect ] || { echo "destroy: $(LAMBDA_SCRATCH)/release/smsredirect is missing: make package (or use an installed smsredirect destroy --stack $$STACK)" >&2; exit 2; }
	$(LAMBDA_SCRATCH)/release/smsredirect destroy --stack "$$STACK"
	@echo "destroy: $$STACK deleted. Its journal bucket is kept on purpose (the audit outlives the stack): empty and delete it when you no longer need it."

# A release folder, dist/release/<version>/: the release build's zips and CLI archive, both templates
# packaged for the release buckets (YAML and JSON), SHA256SUMS, manifest.json and LAUNCH.md
# (scripts/publish-release.sh copies it to the buckets; .github/workflows/release.yml does both).
RELEASE_DIR := dist/release/$(VERSION)
release: package
	$(SWIFT) build --product smsredirect-release
	.build/debug/smsredirect-release --version $(VERSION) --commit "$$(git rev-parse HEAD)" --artifacts dist --templates cfn --out $(RELEASE_DIR)

# `make test` is these steps, in order; each runs alone too (with what it needs before it).
test: test-format test-docs test-workflows test-requests test-stack test-secrets test-demo

# The style is swift-format's pretty printer (the toolchain's own `swift format`), configured in
# .swift-format: 4 spaces, 160 columns, no rewriting rules. Cheap, so `make test` checks it first.
FORMAT_PATHS := Sources Tests Package.swift Benchmarks/Sources Benchmarks/Package.swift
format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

test-format:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS) || { echo "test-format: run \`make format\`" >&2; exit 1; }

test-docs:
	python3 scripts/check-public-docs.py -q

# The GitHub workflows (CI, and the release that publishes to the buckets) through zizmor, pinned in
# scripts/pins.sh, offline: any finding fails. (actionlint would be the second linter; its PyPI
# package downloads its binary from GitHub when it is built, which this machine cannot reach.)
test-workflows: deps
	zizmor --offline --no-progress .github/workflows

# The packaging a shipped zip goes through, on the debug build: the layout and the runtime closure
# are checked on every run.
test-package: deps
	$(MAKE) --no-print-directory package PACKAGE_CONFIG=debug

# The whole suite against moto servers that live exactly as long as the run. It records the
# secrets it makes (the ledger), keeps its logs, and keeps moto's recording of every request. It
# provides what every suite needs, so any skip fails it (scripts/refuse-skips.sh).
test-moto: deps build test-package
	@$(MAKE) --no-print-directory moto-suite

# The test targets that deploy the templates through ministack (test-stack), not moto.
ENGINE_SUITES := ^(StackEngineTests|DoctorTests)\.

# The suite on the build as it is (no build step): what test-moto and test-under-load run. The
# engine's targets run in test-stack.
moto-suite:
	@rm -rf .build/test-secrets.txt .build/test-logs .build/moto-recording.jsonl .build/moto-latency
	@set -o pipefail; SMSREDIRECT_SECRET_LEDGER=$(CURDIR)/.build/test-secrets.txt SMSREDIRECT_TEST_LOG_DIR=$(CURDIR)/.build/test-logs \
	  MOTO_RECORDING_COPY=$(CURDIR)/.build/moto-recording.jsonl MOTO_LATENCY_COPY=$(CURDIR)/.build/moto-latency scripts/with-moto.sh $(SWIFT) test --skip-build --skip '$(ENGINE_SUITES)' 2>&1 | tee .build/test-output.log
	@scripts/refuse-skips.sh .build/test-output.log

# The same suite with a competing CPU load beside it: a busy CI machine. `scripts/moto-latency.py
# .build/moto-latency/*.jsonl` then shows how moto answered.
test-under-load: deps build test-package
	scripts/under-load.sh $(MAKE) --no-print-directory moto-suite

# The careless- and hostile-input probes (Tests/*/Hostile*Tests.swift) alone; test-moto runs them too.
test-hostile: deps build
	scripts/with-moto.sh $(SWIFT) test --skip-build --filter Hostile

# moto takes requests AWS refuses: every awsJson request of the run must pass botocore's
# parameter validator. The recording holds request bodies, codes among them: deleted once checked.
test-requests: test-moto
	@scripts/validate-aws-requests.py .build/moto-recording.jsonl; status=$$?; rm -f .build/moto-recording.jsonl; exit $$status

# The templates through a real CloudFormation engine (Tests/StackEngineTests, and doctor's tests on
# the deployed stack): ministack on a free loopback port deploys them from the debug zips, its
# Lambdas are the helper and sender bootstraps.
# Runs after test-moto (which starts the logs afresh): its output and ministack's log join the logs
# test-secrets reads.
test-stack: deps build test-package
	@mkdir -p .build/test-logs
	@set -o pipefail; SMSREDIRECT_SECRET_LEDGER=$(CURDIR)/.build/test-secrets.txt SMSREDIRECT_TEST_LOG_DIR=$(CURDIR)/.build/test-logs \
	  MINISTACK_LOG=$(CURDIR)/.build/test-logs/ministack.log scripts/with-ministack.sh $(SWIFT) test --skip-build --filter '$(ENGINE_SUITES)' 2>&1 \
	  | tee .build/test-logs/test-stack-output.log
	@scripts/refuse-skips.sh .build/test-logs/test-stack-output.log

# No code, password, ciphertext or ResponseURL signature the tests made may appear in the run's
# output or in any log the tests wrote (the engine's among them).
test-secrets: test-moto test-stack
	@scripts/check-secrets-not-logged.py .build/test-secrets.txt .build/test-output.log .build/test-logs

# The README's first command, on the same build.
test-demo: test-package
	scripts/with-ministack.sh $(LAMBDA_SCRATCH)/debug/smsredirect demo --template cfn/existing-user-pool.json --artifacts dist

# The pure unit tests only (Swift Testing's `.unit` tag), for the edit-compile-test loop.
unit:
	SWIFT=$(SWIFT) scripts/unit-tests.sh

# Regenerates the UpdateUserPool allowlist from the installed botocore (pinned in scripts/pins.sh).
pool-model: deps
	python3 scripts/generate-pool-model.py

# The JSON twins of the CloudFormation templates, generated from the YAML with cfn-lint's decoder.
cfn-json: deps
	python3 scripts/cfn_to_json.py

include esdk.mk
include bench.mk
include bench-helper.mk
