# Vigil: the two commands that matter on a fresh Debian 12 machine are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
RELEASE := .build/release
SPEED ?= 10
FUZZ_SECONDS ?= 12

.PHONY: install setup test-setup build release demo test test-swift test-python fuzz bench bench-trials bench-nuisance clean

## setup: install what the project needs from Debian and PyPI (idempotent; run as root or with sudo).
setup:
	@bash scripts/setup.sh

build:
	$(SWIFT) build

release:
	@echo "building release executables (output: .build/release-build.log)" >&2
	@mkdir -p .build
	@for p in vigild vigil vigil-sim; do $(SWIFT) build -c release --product $$p >> .build/release-build.log 2>&1 || { cat .build/release-build.log >&2; exit 1; }; done

## demo: the daemon on the default configuration, fed by the simulator; alerts printed one line each (vigil tail --format text).
demo: setup release
	@bash scripts/demo.sh $(SPEED)

## test: every test: Swift (core, ZeroMQ, config, simulator, processes) and Python (contract, config tools),
## then a short run of the engine's fuzz target.
test: test-setup test-swift test-python fuzz

test-setup:
	@VIGIL_SETUP_TESTS=1 bash scripts/setup.sh

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip VigilClusterTests
	@# The cluster's election against real etcd, on its own: its timings (keep-alives of 200 to
	@# 500 ms, requests given up after 400 ms) are the product's, not slack for a machine whose two
	@# cores run every other suite at once.
	$(SWIFT) test --skip-build --filter VigilClusterTests

test-python: build
	$(PYTHON) -m pytest -q Config/tools Tests/contract Tests/geometry Tests/cap Tests/chaos Tests/console

## fuzz: every fuzz target (libFuzzer + AddressSanitizer: engine, parser, catchup, control, capture, config) for
## FUZZ_SECONDS each, in turn; the long run of one: scripts/fuzz.sh TARGET-long.
fuzz:
	@bash scripts/fuzz.sh all $(FUZZ_SECONDS)

## bench: throughput and CPU of vigild against a zero-work ZeroMQ forwarder, instructions a frame, the parser against JSONDecoder, the alert journal,
## 300 randomised detection trials and 30 days of nuisance.
bench:
	@VIGIL_SETUP_BENCH=1 bash scripts/setup.sh
	$(SWIFT) build -c release
	$(RELEASE)/vigil-bench parse
	$(RELEASE)/vigil-bench zones
	$(RELEASE)/vigil-bench throughput --bin $(RELEASE)
	$(RELEASE)/vigil-bench cpu --bin $(RELEASE)
	$(RELEASE)/vigil-bench latency --bin $(RELEASE)
	$(RELEASE)/vigil-bench startup --bin $(RELEASE)
	$(RELEASE)/vigil-bench instructions --bin $(RELEASE)
	$(RELEASE)/vigil-bench journal --bin $(RELEASE)
	$(MAKE) --no-print-directory bench-trials
	$(MAKE) --no-print-directory bench-nuisance

## bench-trials: TRIALS (300) randomised detection trials against a release vigild on its own ports and state directory:
## Pd with its 95 % lower bound, direction and count accuracy, latency; exit 3 on a miss or a bound below 0.99.
TRIALS ?= 300
TRIALS_SEED ?= 1
bench-trials: release
	@state=$$(mktemp -d); ports="tcp://127.0.0.1:7661 tcp://127.0.0.1:7662 tcp://127.0.0.1:7663 tcp://127.0.0.1:7664"; \
	set -- $$ports; \
	$(RELEASE)/vigild --config Config/vigild.yaml --ingest-bind $$1 --publish-bind $$2 --control-bind $$3 --catchup-bind $$4 --http-bind "" \
		--state-dir $$state 2> $$state/vigild.log & pid=$$!; \
	for i in $$(seq 50); do $(RELEASE)/vigil stats --endpoint $$3 --timeout 0.2 > /dev/null 2>&1 && break; sleep 0.1; done; \
	$(RELEASE)/vigil-sim trials --count $(TRIALS) --seed $(TRIALS_SEED) --endpoint $$1 --alerts $$2 --control $$3 \
		--max-missed 0 --min-pd-lower-bound 0.99; status=$$?; \
	kill $$pid; wait $$pid; rm -rf $$state; exit $$status

## bench-nuisance: the nuisance soak, NUISANCE_DAYS (30) days of simulated herds, grazing, a heat source on the line,
## masked flares, patrols, townspeople, camera reboots and lost frames on every stretch, compressed, against a release
## vigild on its own ports and state directory: false alerts per zone per 30 days; exit 3 over one (README).
NUISANCE_DAYS ?= 30
NUISANCE_SEED ?= 1
bench-nuisance: release
	@state=$$(mktemp -d); ports="tcp://127.0.0.1:7671 tcp://127.0.0.1:7672 tcp://127.0.0.1:7673 tcp://127.0.0.1:7674"; \
	set -- $$ports; \
	$(RELEASE)/vigild --config Config/vigild.yaml --ingest-bind $$1 --publish-bind $$2 --control-bind $$3 --catchup-bind $$4 --http-bind "" \
		--state-dir $$state 2> $$state/vigild.log & pid=$$!; \
	for i in $$(seq 50); do $(RELEASE)/vigil stats --endpoint $$3 --timeout 0.2 > /dev/null 2>&1 && break; sleep 0.1; done; \
	$(RELEASE)/vigil-sim nuisance --days $(NUISANCE_DAYS) --seed $(NUISANCE_SEED) --endpoint $$1 --alerts $$2 --control $$3 \
		--max-false-per-zone-month 1; status=$$?; \
	kill $$pid; wait $$pid; rm -rf $$state; exit $$status

## install: vigild, vigil and vigil-sim in $(PREFIX)/bin, the configuration in /etc/vigil (each file kept if there),
## the systemd unit, the vigil user; then: systemctl enable --now vigild. DESTDIR for a staging folder (no user made).
PREFIX ?= /usr/local
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/etc/vigil $(DESTDIR)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/vigil
	install -m 0755 $(RELEASE)/vigild $(RELEASE)/vigil $(RELEASE)/vigil-sim $(DESTDIR)$(PREFIX)/bin/
	@for f in vigild.yaml zones.geojson cameras.geojson rules.yaml; do \
		if [ -e $(DESTDIR)/etc/vigil/$$f ]; then echo "kept /etc/vigil/$$f"; else install -m 0640 Config/$$f $(DESTDIR)/etc/vigil/$$f; fi; done
	@if [ ! -e $(DESTDIR)/etc/vigil/data ]; then cp -r Config/data $(DESTDIR)/etc/vigil/data; fi
	install -m 0644 Config/systemd/vigild.service $(DESTDIR)/lib/systemd/system/vigild.service
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/vigil/README.md
	@if [ -z "$(DESTDIR)" ] && ! id vigil >/dev/null 2>&1; then \
		useradd --system --home-dir /var/lib/vigil --no-create-home --shell /usr/sbin/nologin vigil && echo "made the system user vigil"; fi
	@if [ -z "$(DESTDIR)" ]; then chgrp -R vigil /etc/vigil; fi
	@echo "installed; start it with: systemctl daemon-reload && systemctl enable --now vigild"

clean:
	rm -rf .build .build-fuzz
