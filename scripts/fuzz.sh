#!/usr/bin/env bash
# The alert engine's fuzz target (libFuzzer + AddressSanitizer): frame reports with hostile seq/ts
# patterns, clock steps, silences and restarts, through validation, the engine and the silences
# (Fuzz/VigilFuzz, EngineFuzz). Usage:
#
#   scripts/fuzz.sh engine [SECONDS]      build, then fuzz from the seeds for SECONDS (default 60): `make test`
#                                         runs this
#   scripts/fuzz.sh engine-long [TIME]    the long run (default 8h; TIME as 8h, 30m or 900s), with value
#                                         profiling, on a corpus kept between runs; stop it any time with
#                                         Ctrl-C (what it found stays)
#   scripts/fuzz.sh build                 build only: .build-fuzz/release/fuzz-engine
#   scripts/fuzz.sh repro FILE...         run the fuzzer on FILEs (a crash's input: its stack)
#   scripts/fuzz.sh seeds                 regenerate the seed corpus Fuzz/corpus/engine/ (EngineFuzzSeeds)
#
# Every run prints libFuzzer's number of executed inputs (stat::number_of_executed_units) and its
# coverage (cov: edges, ft: features), and exits non-zero on a crash: a Swift trap (overflow, index
# out of range, precondition), an AddressSanitizer report, a leak, a timeout (10 s per input) or
# running out of memory (2 GiB). The crashing input is kept in Fuzz/crashes/ (not committed) and
# the command that reproduces it is printed.
#
# Build: SwiftPM builds the VigilFuzz library and its dependencies with -sanitize=fuzzer,address in
# its own scratch path (.build-fuzz, so the shared .build is neither locked nor rebuilt), release
# mode; swiftc then compiles Fuzz/engine/main.swift (the LLVMFuzzerTestOneInput entry, in no SwiftPM
# target) with -parse-as-library and links it with those objects and libFuzzer's main. Both steps
# are incremental: a run after an unchanged build costs a few seconds.
#
# Corpus: the seeds in Fuzz/corpus/engine are read, never written. The short run starts from them
# alone each time (new inputs go to .build-fuzz/corpus/engine-short, emptied first), so its seconds
# go to fuzzing rather than to replaying a corpus that grows; the long run keeps what it finds in
# .build-fuzz/corpus/engine (not committed). Environment: FUZZ_FLAGS adds libFuzzer flags;
# VIGIL_FUZZ_PAYLOAD_SLACK=16 gives every payload 16 readable bytes after its end (as in a batch
# buffer), to fuzz on past a known over-read at the end of a payload.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=.build-fuzz
BIN="$SCRATCH/release/fuzz-engine"
SEEDS=Fuzz/corpus/engine
CRASHES=Fuzz/crashes
SANITIZE=-sanitize=fuzzer,address
# A Swift trap goes straight to libFuzzer's handler (the Swift runtime's own backtracer would run
# under AddressSanitizer and confuse it); ASan symbolizes with the toolchain's llvm-symbolizer.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
SYMBOLIZER="$(dirname "$(command -v swiftc)")/llvm-symbolizer"
[ -x "$SYMBOLIZER" ] && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$SYMBOLIZER}

build() {
  mkdir -p "$SCRATCH"
  local log="$SCRATCH/build.log"
  echo "fuzz: building the VigilFuzz library with $SANITIZE (log: $log)" >&2
  local start=$SECONDS
  if ! swift build --scratch-path "$SCRATCH" -c release --target VigilFuzz -Xswiftc "$SANITIZE" >"$log" 2>&1; then
    cat "$log" >&2
    echo "fuzz: the build failed" >&2
    return 1
  fi
  # The objects of the library and of what it depends on, from SwiftPM's output file maps (so an
  # object left over from a source file that was removed is not linked); CYaml is C, found as is.
  local release="$SCRATCH/release" objects
  objects=$(python3 - "$release" <<'EOF'
import json, os, sys
release = sys.argv[1]
for target in ["Yams", "VigilWire", "VigilCore", "VigilConfig", "VigilFuzz"]:
    with open(os.path.join(release, target + ".build", "output-file-map.json")) as f:
        entries = json.load(f)
    for source, outputs in entries.items():
        if source and os.path.exists(outputs.get("object", "")):
            print(outputs["object"])
for root, _, files in os.walk(os.path.join(release, "CYaml.build")):
    for name in files:
        if name.endswith(".o"):
            print(os.path.join(root, name))
EOF
)
  local modulemap
  modulemap=$(find "$SCRATCH/checkouts/Yams/Sources/CYaml" -name module.modulemap | head -1)
  # shellcheck disable=SC2086
  if ! swiftc "$SANITIZE" -parse-as-library -O -g -use-ld=lld -I "$release/Modules" -Xcc "-fmodule-map-file=$modulemap" \
    Fuzz/engine/main.swift $objects -o "$BIN" >>"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: linking the fuzzer failed" >&2
    return 1
  fi
  echo "fuzz: built $BIN in $((SECONDS - start)) s" >&2
}

# Swift symbols in a report, demangled.
demangle() {
  if swift demangle --help >/dev/null 2>&1; then swift demangle --simplified; else cat; fi
}

# Runs the fuzzer for $1 seconds, new inputs into the corpus $2, with the extra libFuzzer flags
# that follow; prints the figures.
run() {
  local seconds=$1 corpus=$2
  shift 2
  mkdir -p "$corpus" "$CRASHES"
  local log="$SCRATCH/engine-run.log"
  echo "fuzz: engine for ${seconds} s (corpus: $corpus + $SEEDS; log: $log)" >&2
  local status=0
  # shellcheck disable=SC2086
  "$BIN" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$CRASHES/engine-" "$@" ${FUZZ_FLAGS:-} "$corpus" "$SEEDS" >"$log" 2>&1 || status=$?
  local executions last
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  if [ "$status" -eq 72 ] && grep -q 'run interrupted' "$log"; then
    grep '^stat::' "$log"
    echo "fuzz: engine: interrupted after ${executions:-0} sequences, no crash; corpus $(ls "$corpus" | wc -l) inputs"
    return 130
  fi
  if [ "$status" -ne 0 ]; then
    grep -v -E '^#[0-9]+ +(NEW|REDUCE|pulse)' "$log" | tail -80 | demangle >&2
    local artifact
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz: CRASH after ${executions:-?} executions (exit status $status)${artifact:+; input: $artifact}" >&2
    [ -n "$artifact" ] && echo "fuzz: reproduce with: scripts/fuzz.sh repro $artifact" >&2
    return "$status"
  fi
  echo "fuzz: $last"
  grep '^stat::' "$log"
  echo "fuzz: engine: ${executions:-0} sequences run in ${seconds} s, no crash; corpus $(ls "$corpus" | wc -l) inputs (+ $(ls "$SEEDS" | wc -l) seeds)"
}

case "${1:-}" in
  engine)
    build
    rm -rf "$SCRATCH/corpus/engine-short"
    run "${2:-60}" "$SCRATCH/corpus/engine-short"
    ;;
  engine-long)
    build
    time=${2:-8h}
    case "$time" in
      *h) seconds=$(( ${time%h} * 3600 )) ;;
      *m) seconds=$(( ${time%m} * 60 )) ;;
      *s) seconds=${time%s} ;;
      *) seconds=$(( time * 3600 )) ;;
    esac
    run "$seconds" "$SCRATCH/corpus/engine" -use_value_profile=1
    ;;
  build)
    build
    ;;
  repro)
    shift
    [ $# -gt 0 ] || { echo "usage: scripts/fuzz.sh repro FILE..." >&2; exit 64; }
    [ -x "$BIN" ] || build
    "$BIN" -runs=1 "$@" 2>&1 | demangle
    exit "${PIPESTATUS[0]}"
    ;;
  seeds)
    VIGIL_FUZZ_WRITE_CORPUS=1 swift test --filter VigilFuzzTests
    ;;
  *)
    sed -n '2,14p' "$0" >&2
    exit 64
    ;;
esac
