# The helper benchmark (issue 5), included from the Makefile.
#
#   make bench-helper   the helper's CloudFormation Create + Delete against moto, side by side with a
#                       stand-in for the AWS sample's helper (pip install + zip + publish a layer on
#                       every Create): wall time and AWS calls, medians of BENCH_HELPER_RUNS repetitions.
#
# The sample's wheels are downloaded once into $(BENCH_WHEELS) (not timed); the timed runs install
# from there with --no-index and fetch nothing.

BENCH_WHEELS      ?= .build/bench-wheels
BENCH_HELPER_RUNS ?= 5
BENCH_ESDK_PIN    := aws-encryption-sdk==4.0.7

.PHONY: bench-helper

$(BENCH_WHEELS)/.downloaded:
	mkdir -p $(BENCH_WHEELS)
	python3 -m pip download --disable-pip-version-check --quiet $(BENCH_ESDK_PIN) -d $(BENCH_WHEELS)
	touch $@

bench-helper: deps $(BENCH_WHEELS)/.downloaded
	$(SWIFT) build -c release --product helper
	$(SWIFT) build -c release --product smsredirect
	scripts/with-moto.sh python3 bench/helper_bench.py --swift-helper .build/release/helper \
	  --smsredirect .build/release/smsredirect --wheels $(BENCH_WHEELS) -n $(BENCH_HELPER_RUNS)
