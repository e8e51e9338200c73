# Vigil: the two commands that matter on a fresh Debian 12 machine are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
RELEASE := .build/release
SPEED ?= 10
FUZZ_SECONDS ?= 60

.PHONY: setup build release demo test test-swift test-python fuzz bench clean

## setup: install what the project needs from Debian and PyPI (idempotent; run as root or with sudo).
setup:
	@bash scripts/setup.sh

build:
	$(SWIFT) build

release:
	@echo "building release executables (output: .build/release-build.log)" >&2
	@mkdir -p .build
	@for p in vigild vigil vigil-sim; do $(SWIFT) build -c release --product $$p >> .build/release-build.log 2>&1 || { cat .build/release-build.log >&2; exit 1; }; done

## demo: the daemon on the default configuration, fed by the simulator; alerts printed as NDJSON.
demo: setup release
	@bash scripts/demo.sh $(SPEED)

## test: every test: Swift (core, ZeroMQ, config, simulator, processes) and Python (contract, config tools),
## then a short run of the engine's fuzz target.
test: setup test-swift test-python fuzz

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-python: build
	$(PYTHON) -m pytest -q Config/tools Tests/contract Tests/geometry Tests/cap Tests/chaos

## fuzz: the engine's fuzz target (libFuzzer + AddressSanitizer) for FUZZ_SECONDS; the long run: scripts/fuzz.sh engine-long.
fuzz:
	@bash scripts/fuzz.sh engine $(FUZZ_SECONDS)

## bench: throughput of vigild against a zero-work ZeroMQ forwarder, the parser against JSONDecoder, the alert journal.
bench: setup
	$(SWIFT) build -c release
	$(RELEASE)/vigil-bench parse
	$(RELEASE)/vigil-bench zones
	$(RELEASE)/vigil-bench throughput --bin $(RELEASE)
	$(RELEASE)/vigil-bench journal --bin $(RELEASE)

clean:
	rm -rf .build
