# Sender benchmark, included from the Makefile.
#
#   make bench-sender   cold start, warm latency and peak RSS of the Swift sender `bootstrap`
#                       (release) against a Python sender of the AWS sample's shape, one run,
#                       the same loopback Runtime API and the same moto server for both
#
# BENCH_RUNS cold starts each (alternating), BENCH_WARM warm invocations per process.
# BENCH_STATIC=1 also builds the bootstrap with --static-swift-stdlib (its own scratch path,
# a second full release build) and measures it alongside.
# It also runs what ships: the release zips (`make package`) unpacked into a bare root that holds
# only glibc (scripts/lambda-root.sh), the launcher and the layer's core started under chroot as
# Lambda starts them (needs root), and reports each zip's size against Lambda's limits.
# BENCH_BASELINE=DIR (a folder holding an earlier build's sender.zip and encryption-sdk-layer.zip,
# e.g. a copy of another checkout's dist/) also runs that build's shipped sender, interleaved with
# this one's: a before/after from one machine in one run.

BENCH_RUNS    ?= 15
BENCH_WARM    ?= 50
BENCH_STATIC  ?=
# BENCH_DYNAMIC=0 leaves out the dynamically linked build (a second full release build, in .build).
BENCH_DYNAMIC ?= 1
BENCH_STATIC_SCRATCH ?= .build-static
BENCH_SHIPPED_ROOT ?= .build/bench-shipped-root
BENCH_BASELINE ?=
BENCH_BASELINE_ROOT ?= .build/bench-baseline-root

.PHONY: bench-sender

bench-sender: deps
	$(if $(filter-out 0,$(BENCH_DYNAMIC)),$(SWIFT) build -c release --product sender &&) $(SWIFT) build $(BENCH_PACKAGE) -c release --product SenderBench
	$(if $(BENCH_STATIC),$(SWIFT) build -c release --product sender --static-swift-stdlib --scratch-path $(BENCH_STATIC_SCRATCH))
	$(MAKE) --no-print-directory lambda-zips PACKAGE_CONFIG=release
	scripts/lambda-root.sh $(BENCH_SHIPPED_ROOT) dist/sender.zip dist/encryption-sdk-layer.zip
	$(if $(BENCH_BASELINE),scripts/lambda-root.sh $(BENCH_BASELINE_ROOT) $(BENCH_BASELINE)/sender.zip $(BENCH_BASELINE)/encryption-sdk-layer.zip)
	scripts/lambda-root.sh $(BENCH_SHIPPED_ROOT)-helper dist/helper.zip
	$(if $(BENCH_BASELINE),scripts/lambda-root.sh $(BENCH_BASELINE_ROOT)-helper $(BENCH_BASELINE)/helper.zip)
	@for zip in dist/sender.zip dist/encryption-sdk-layer.zip dist/helper.zip $(if $(BENCH_BASELINE),$(wildcard $(BENCH_BASELINE)/*.zip)); do \
	  unzip -Zt $$zip | awk -v zip=$$zip -v zipped=$$(stat -c %s $$zip) \
	    '{ printf "%-30s zipped %6.1f MB, unzipped %6.1f MB\n", zip, zipped / 1e6, $$3 / 1e6 }'; done
	@echo "(Lambda's limits: 50 MB zipped per direct upload, 250 MB unzipped for a function and its layers together)"
	scripts/with-moto.sh $(BENCH_PRODUCTS)/SenderBench $(if $(filter-out 0,$(BENCH_DYNAMIC)),--swift .build/release/sender) \
	  --shipped-root shipped=$(BENCH_SHIPPED_ROOT) \
	  $(if $(BENCH_BASELINE),--shipped-root baseline=$(BENCH_BASELINE_ROOT)) \
	  --init-only-root helper=$(BENCH_SHIPPED_ROOT)-helper $(if $(BENCH_BASELINE),--init-only-root helper-baseline=$(BENCH_BASELINE_ROOT)-helper) \
	  $(if $(BENCH_STATIC),--swift-static $(BENCH_STATIC_SCRATCH)/release/sender) \
	  --python-handler-dir bench/python_sender --runs $(BENCH_RUNS) --warm $(BENCH_WARM)

# Inbox benchmark: BENCH_WAITERS waiters in parallel (one phone each) on one shared inbox and on
# per-run inboxes, publish → code printed, `smsredirect wait-code` against the boto3 example
# (examples/python) in the same run on the same moto server. BENCH_CLI picks the binary (default:
# a release build).
BENCH_WAITERS ?= 20
BENCH_ROUNDS  ?= 3
BENCH_BACKLOG ?= 0
BENCH_CLI     ?= .build/release/smsredirect

.PHONY: bench-inbox

bench-inbox: deps
	$(if $(filter .build/release/smsredirect,$(BENCH_CLI)),$(SWIFT) build -c release --product smsredirect)
	scripts/with-moto.sh python3 bench/inbox_bench.py --cli $(BENCH_CLI) --waiters $(BENCH_WAITERS) --rounds $(BENCH_ROUNDS) --backlog $(BENCH_BACKLOG)
