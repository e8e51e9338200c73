#!/usr/bin/env bash
# The fuzz targets (libFuzzer + AddressSanitizer), one per decoder (Fuzz/VigilFuzz, README "Fuzzing"):
#   engine   frame reports with hostile seq/ts patterns, clock steps, silences and restarts, through
#            validation, the engine and the silences (EngineFuzz)
#   parser   a frame report's payload: FrameReportParser, FrameValidator, re-encoding (ParserFuzz)
#   catchup  catch-up requests and replies: CatchUpRequest, CatchUpPage, refusals (CatchUpFuzz)
#   control  silences (SilenceMessage, Silence) and stats replies (StatsMessage) (ControlFuzz)
#   capture  capture files: CaptureReader, then a replay of the first messages (CaptureFuzz)
#   config   vigild.yaml settings, rules.yaml, zones.geojson, cameras.geojson (ConfigFuzz)
# Usage:
#
#   scripts/fuzz.sh all [SECONDS]          build, then fuzz each target from its seeds for SECONDS (default
#                                          12) in turn: `make fuzz` (and so `make test`) runs this
#   scripts/fuzz.sh TARGET [SECONDS]       build, then fuzz TARGET from its seeds for SECONDS (default 60)
#   scripts/fuzz.sh TARGET-long [TIME]     the long run (default 8h; TIME as 8h, 30m or 900s), with value
#                                          profiling, on a corpus kept between runs; stop it any time with
#                                          Ctrl-C (what it found stays)
#   scripts/fuzz.sh build                  build only: .build-fuzz/release/fuzz-TARGET for every target
#   scripts/fuzz.sh repro TARGET FILE...   run TARGET on FILEs (a crash's input: its stack)
#   scripts/fuzz.sh seeds                  regenerate the generated seeds in Fuzz/corpus/*/ (VigilFuzzTests)
#   scripts/fuzz.sh slowest TARGET         run every input of TARGET's corpora (seeds and the long run's) once:
#                                          the slowest, in CPU time; then that input 40 times (its first run
#                                          may carry one-time costs)
#
# Every run prints libFuzzer's number of executed inputs (stat::number_of_executed_units), exec/s,
# coverage (cov: edges, ft: features), peak RSS, and the slowest input (FuzzTiming: the fuzzing
# thread's CPU time around each input, after the first 16; libFuzzer's own slowest_unit_time_sec
# counts whole seconds of wall time; `scripts/fuzz.sh slowest TARGET` times a whole corpus). It
# exits non-zero on a crash: a Swift trap (overflow, index out of range, a failed precondition, such
# as a differential check), an AddressSanitizer report, a leak, a timeout or running out of memory
# (2 GiB). Timeouts: 1 s per input for the decoders (libFuzzer's smallest; the slowest input is
# reported against the 10 ms the issue asks for), 10 s for the engine, whose inputs are whole
# sequences. The crashing input is kept in Fuzz/crashes/ (not committed) and the command that
# reproduces it is printed.
#
# Build: SwiftPM builds the VigilFuzz library and its dependencies with -sanitize=fuzzer,address in
# its own scratch path (.build-fuzz, so the shared .build is neither locked nor rebuilt), release
# mode; swiftc then compiles each Fuzz/TARGET/main.swift (the LLVMFuzzerTestOneInput entry, in no
# SwiftPM target) with -parse-as-library and links it with those objects and libFuzzer's main. Both
# steps are incremental: a run after an unchanged build costs a few seconds.
#
# Corpus: the seeds in Fuzz/corpus/TARGET are read, never written. The short run starts from them
# alone each time (new inputs go to .build-fuzz/corpus/TARGET-short, emptied first), so its seconds
# go to fuzzing rather than to replaying a corpus that grows; the long run keeps what it finds in
# .build-fuzz/corpus/TARGET (not committed). Environment: FUZZ_FLAGS adds libFuzzer flags;
# VIGIL_FUZZ_PAYLOAD_SLACK=16 gives every engine payload 16 readable bytes after its end (as in a
# batch buffer), to fuzz on past a known over-read at the end of a payload.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS="engine parser catchup control capture config"
SCRATCH=.build-fuzz
CRASHES=Fuzz/crashes
SANITIZE=-sanitize=fuzzer,address
# A Swift trap goes straight to libFuzzer's handler (the Swift runtime's own backtracer would run
# under AddressSanitizer and confuse it); ASan symbolizes with the toolchain's llvm-symbolizer.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
SYMBOLIZER="$(dirname "$(command -v swiftc)")/llvm-symbolizer"
[ -x "$SYMBOLIZER" ] && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$SYMBOLIZER}

is_target() {
  case " $TARGETS " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

binary() { echo "$SCRATCH/release/fuzz-$1"; }

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
  objects=$(python3 - "$release" <<'PY'
import json, os, sys
release = sys.argv[1]
for target in ["Yams", "VigilWire", "VigilCore", "VigilConfig", "VigilCapture", "VigilFuzz"]:
    with open(os.path.join(release, target + ".build", "output-file-map.json")) as f:
        entries = json.load(f)
    for source, outputs in entries.items():
        if source and os.path.exists(outputs.get("object", "")):
            print(outputs["object"])
for root, _, files in os.walk(os.path.join(release, "CYaml.build")):
    for name in files:
        if name.endswith(".o"):
            print(os.path.join(root, name))
PY
)
  local modulemap
  modulemap=$(find "$SCRATCH/checkouts/Yams/Sources/CYaml" -name module.modulemap | head -1)
  local target bin
  for target in $TARGETS; do
    bin=$(binary "$target")
    # Linked again only when its entry or an object is newer than it.
    # shellcheck disable=SC2086
    if [ -x "$bin" ] && [ -z "$(find "Fuzz/$target/main.swift" $objects -newer "$bin" -print -quit)" ]; then continue; fi
    # shellcheck disable=SC2086
    if ! swiftc "$SANITIZE" -parse-as-library -O -g -use-ld=lld -I "$release/Modules" -Xcc "-fmodule-map-file=$modulemap" \
      "Fuzz/$target/main.swift" $objects -o "$bin" >>"$log" 2>&1; then
      tail -40 "$log" >&2
      echo "fuzz: linking the $target fuzzer failed" >&2
      return 1
    fi
  done
  echo "fuzz: built $(for t in $TARGETS; do printf '%s ' "$(binary "$t")"; done)in $((SECONDS - start)) s" >&2
}

# Swift symbols in a report, demangled.
demangle() {
  if swift demangle --help >/dev/null 2>&1; then swift demangle --simplified; else cat; fi
}

# Runs target $1 for $2 seconds, new inputs into the corpus $3, with the extra libFuzzer flags that
# follow; prints the figures.
run() {
  local target=$1 seconds=$2 corpus=$3
  shift 3
  local seeds="Fuzz/corpus/$target" bin log timeout=1
  bin=$(binary "$target")
  log="$SCRATCH/$target-run.log"
  [ "$target" = engine ] && timeout=10
  mkdir -p "$corpus" "$CRASHES"
  echo "fuzz: $target for ${seconds} s (corpus: $corpus + $seeds; log: $log)" >&2
  local status=0
  # shellcheck disable=SC2086
  VIGIL_FUZZ_SLOWEST="$SCRATCH/$target-slowest" "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout="$timeout" \
    -rss_limit_mb=2048 -max_len=8192 -artifact_prefix="$CRASHES/$target-" "$@" ${FUZZ_FLAGS:-} "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  local executions last slowest
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  slowest=$(sed -n 's/^fuzz-timing: //p' "$log" | tail -1)
  if [ "$status" -eq 72 ] && grep -q 'run interrupted' "$log"; then
    grep '^stat::' "$log"
    echo "fuzz: $target: interrupted after ${executions:-0} inputs, no crash; ${slowest:-}; corpus $(ls "$corpus" | wc -l) inputs"
    return 130
  fi
  if [ "$status" -ne 0 ]; then
    grep -v -E '^#[0-9]+ +(NEW|REDUCE|pulse)' "$log" | tail -80 | demangle >&2
    local artifact
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz: $target: CRASH after ${executions:-?} executions (exit status $status)${artifact:+; input: $artifact}" >&2
    [ -n "$artifact" ] && echo "fuzz: reproduce with: scripts/fuzz.sh repro $target $artifact" >&2
    return "$status"
  fi
  echo "fuzz: $last"
  grep '^stat::' "$log"
  echo "fuzz: $target: ${executions:-0} inputs run in ${seconds} s, no crash; ${slowest:-no timing}" \
    "(kept in $SCRATCH/$target-slowest); corpus $(ls "$corpus" | wc -l) inputs (+ $(ls "$seeds" | wc -l) seeds)"
}

short() {
  rm -rf "$SCRATCH/corpus/$1-short"
  run "$1" "$2" "$SCRATCH/corpus/$1-short"
}

command=${1:-}
case "$command" in
  all)
    build
    start=$SECONDS
    for target in $TARGETS; do short "$target" "${2:-12}"; done
    echo "fuzz: all $(echo $TARGETS | wc -w) targets, no crash, in $((SECONDS - start)) s"
    ;;
  build)
    build
    ;;
  repro)
    [ $# -ge 3 ] && is_target "$2" || { echo "usage: scripts/fuzz.sh repro TARGET FILE... (TARGET: $TARGETS)" >&2; exit 64; }
    target=$2
    shift 2
    build
    "$(binary "$target")" -runs=1 "$@" 2>&1 | demangle
    exit "${PIPESTATUS[0]}"
    ;;
  seeds)
    VIGIL_FUZZ_WRITE_CORPUS=1 swift test --filter VigilFuzzTests
    ;;
  slowest)
    # Every input of the target's corpora run once, timed: the slowest, in CPU time.
    [ $# -ge 2 ] && is_target "$2" || { echo "usage: scripts/fuzz.sh slowest TARGET" >&2; exit 64; }
    build
    mkdir -p "$SCRATCH/corpus/$2"
    VIGIL_FUZZ_SLOWEST="$SCRATCH/$2-slowest" "$(binary "$2")" -runs=0 -max_len=8192 -rss_limit_mb=2048 "$SCRATCH/corpus/$2" "Fuzz/corpus/$2" 2>&1 |
      grep -E '^fuzz-timing|INITED' | sed "s/^fuzz-timing: /fuzz: $2: /"
    # Its first run may carry one-time costs (a code path's first use: runtime metadata, lazy
    # globals, fresh pages); 40 runs of it in one process, the first 16 not counted, say what it costs.
    cp "$SCRATCH/$2-slowest" "$SCRATCH/$2-slowest-again"
    "$(binary "$2")" $(for _ in $(seq 40); do echo "$SCRATCH/$2-slowest-again"; done) 2>&1 |
      sed -n "s/^fuzz-timing: slowest input \(.*\) (\(.*\)) of .*/fuzz: $2: run 40 times, the slowest input takes \1 (\2) at most/p"
    echo "fuzz: $2: the slowest input is in $SCRATCH/$2-slowest"
    ;;
  *-long)
    target=${command%-long}
    is_target "$target" || { sed -n '2,24p' "$0" >&2; exit 64; }
    build
    time=${2:-8h}
    case "$time" in
      *h) seconds=$(( ${time%h} * 3600 )) ;;
      *m) seconds=$(( ${time%m} * 60 )) ;;
      *s) seconds=${time%s} ;;
      *) seconds=$(( time * 3600 )) ;;
    esac
    run "$target" "$seconds" "$SCRATCH/corpus/$target" -use_value_profile=1
    ;;
  *)
    if [ -n "$command" ] && is_target "$command"; then
      build
      short "$command" "${2:-60}"
    else
      sed -n '2,24p' "$0" >&2
      exit 64
    fi
    ;;
esac
