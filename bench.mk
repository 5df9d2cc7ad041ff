# Sender benchmark, included from the Makefile.
#
#   make bench-sender   cold start, warm latency and peak RSS of the Swift sender `bootstrap`
#                       (release) against a Python sender of the AWS sample's shape, one run,
#                       the same loopback Runtime API and the same moto server for both
#
# BENCH_RUNS cold starts each (alternating), BENCH_WARM warm invocations per process.
# BENCH_STATIC=1 also builds the bootstrap with --static-swift-stdlib (its own scratch path,
# a second full release build) and measures it alongside.

BENCH_RUNS    ?= 15
BENCH_WARM    ?= 50
BENCH_STATIC  ?=
BENCH_STATIC_SCRATCH ?= .build-static

.PHONY: bench-sender

bench-sender: deps
	swift build -c release --product sender && swift build -c release --product SenderBench
	$(if $(BENCH_STATIC),swift build -c release --product sender --static-swift-stdlib --scratch-path $(BENCH_STATIC_SCRATCH))
	scripts/with-moto.sh .build/release/SenderBench --swift .build/release/sender \
	  $(if $(BENCH_STATIC),--swift-static $(BENCH_STATIC_SCRATCH)/release/sender) \
	  --python-handler-dir bench/python_sender --runs $(BENCH_RUNS) --warm $(BENCH_WARM)
