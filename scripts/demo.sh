#!/usr/bin/env bash
# The main job: vigild on the default configuration, fed by vigil-sim, alerts shown as they come.
# Usage: scripts/demo.sh [SPEED]   (scenario time runs SPEED times faster than the wall clock)
set -euo pipefail
cd "$(dirname "$0")/.."
SPEED=${1:-10}
BIN=.build/release
LOG=$(mktemp -t vigild.XXXXXX.log)

# vigild under its supervisor (scripts/supervise.sh): restarted if it ever crashes, and the
# crash logged by the next start. SIGTERM to the supervisor stops vigild in order.
VIGILD="$BIN/vigild" scripts/supervise.sh --config Config/vigild.yaml --exercise 2>"$LOG" &
VIGILD=$!
TAIL=
trap 'kill -TERM $VIGILD $TAIL 2>/dev/null || true; wait $VIGILD 2>/dev/null || true' EXIT
sleep 1
if ! kill -0 $VIGILD 2>/dev/null; then cat "$LOG" >&2; exit 1; fi

echo "== vigild is running under scripts/supervise.sh (log: $LOG); alerts below, one line each, from: $BIN/vigil tail --format text" >&2
echo "== the console: http://127.0.0.1:7680/ (sign in as operator, password vigil-demo); metrics: http://127.0.0.1:7680/metrics" >&2
"$BIN/vigil" tail --format text --config Config/vigild.yaml &
TAIL=$!
sleep 0.5

for scenario in rabia-lone-crossing alqaim-mixed; do
  echo "== scenario $scenario at ${SPEED}x" >&2
  "$BIN/vigil-sim" run "$scenario" --speed "$SPEED"
done
sleep 2
echo "== daemon counters (vigil stats):" >&2
"$BIN/vigil" stats >&2
# At a terminal, vigild stays up for the console until Enter; run by a script, the demo ends here.
if [ -t 0 ]; then
  read -r -p "== press Enter to stop vigild (the console stays at http://127.0.0.1:7680/ until then) " _ || true
fi
