# EncryptionSDK make targets, included from the Makefile. The vectors live in fixtures/vectors.
#
#   make bench-esdk   release benchmark: SDK vs the primitives floor vs the Python SDK, peak memory
#   make fuzz         libFuzzer run of the parser and decryptor (scratch path .build-fuzz), FUZZ_TIME seconds

ESDK_VECTORS      ?= fixtures/vectors/esdk
FUZZ_TIME         ?= 60
FUZZ_SCRATCH      ?= .build-fuzz
FUZZ_CORPUS       ?= $(FUZZ_SCRATCH)/corpus
# The benchmarks and the fuzzer are a package of their own (Benchmarks/), built in Benchmarks/.build.
BENCH_PACKAGE     := --package-path Benchmarks
BENCH_PRODUCTS    := Benchmarks/.build/release

.PHONY: bench-esdk fuzz

bench-esdk: deps
	$(SWIFT) build $(BENCH_PACKAGE) -c release --product ESDKBench
	@mkdir -p .build
	@/usr/bin/time -v -o .build/esdk-bench.time $(BENCH_PRODUCTS)/ESDKBench
	@grep "Maximum resident set size" .build/esdk-bench.time | sed 's/^[[:space:]]*/peak memory (\/usr\/bin\/time -v): /'
fuzz:
	$(SWIFT) build $(BENCH_PACKAGE) --scratch-path $(CURDIR)/$(FUZZ_SCRATCH) -c release --product ESDKFuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DESDK_FUZZING
	@mkdir -p $(FUZZ_CORPUS)
	@cp -n $(ESDK_VECTORS)/*/ciphertexts/* $(FUZZ_CORPUS)/ 2>/dev/null || true
	@echo "fuzz: corpus $$(ls $(FUZZ_CORPUS) | wc -l) files, $(FUZZ_TIME)s"
	$(FUZZ_SCRATCH)/release/ESDKFuzz $(FUZZ_CORPUS) -max_total_time=$(FUZZ_TIME) -max_len=16384 \
	  -print_final_stats=1 -artifact_prefix=$(FUZZ_SCRATCH)/ 2>&1 | tee $(FUZZ_SCRATCH)/fuzz.log | grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|ERROR|stat::number_of_executed_units|stat::peak_rss"
	@echo "fuzz: $$(grep -o 'stat::number_of_executed_units: [0-9]*' $(FUZZ_SCRATCH)/fuzz.log | awk '{print $$2}') executions, crashes: $$(ls $(FUZZ_SCRATCH)/crash-* 2>/dev/null | wc -l)"
