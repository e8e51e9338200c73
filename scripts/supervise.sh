#!/usr/bin/env bash
# Runs vigild and restarts it when it ends abnormally, so that a crash loses nothing (the journal
# resumes the state) and is visible (the next vigild logs it, see README "Supervision").
#
# Usage: [VIGILD=path/to/vigild] scripts/supervise.sh [vigild flags...]
#   VIGILD defaults to .build/release/vigild beside this script, else vigild on PATH.
#
# - vigild ends with 0 (an orderly stop): the supervisor ends with 0.
# - 78 (configuration error), 69 (a socket, an endpoint or the journal unavailable) or 64 (a
#   bad flag): restarting cannot help; the supervisor ends with that code.
# - 75 (a cluster node that stopped being the active one, README "A cluster"): started again at
#   once, as a standby; no exit record, no backoff.
# - Any other end (a signal such as SIGSEGV or SIGABRT, or another status): the supervisor writes
#   <state.dir>/vigild.exit ({"v":1,"pid":…,"status":139,"signal":"SIGSEGV","ended_ms":…}) and
#   starts vigild again after a backoff: 0.5 s, doubling up to 10 s, back to 0.5 s once a vigild
#   has run for a minute.
# - SIGINT and SIGTERM are forwarded to vigild (an orderly stop); the supervisor then ends with
#   vigild's code. During a backoff, with no vigild running, it ends with 0. (A shell script that
#   starts the supervisor with `&` has it ignore SIGINT, as POSIX wants of background jobs, and no
#   trap can undo that: such scripts stop it with SIGTERM, as scripts/demo.sh does.)
#
# The state directory is taken from --state-dir, else from the `state:` `dir:` key of the
# configuration file (--config, default Config/vigild.yaml), else `state`; relative to the
# working directory, as vigild takes it. With an empty one no exit record is written.
# The supervisor's own messages go to standard error with vigild's, prefixed `supervise:`.
set -u

here=$(cd "$(dirname "$0")" && pwd)
VIGILD=${VIGILD:-}
if [ -z "$VIGILD" ]; then
  if [ -x "$here/../.build/release/vigild" ]; then VIGILD="$here/../.build/release/vigild"; else VIGILD=vigild; fi
fi

log() { echo "supervise: $*" >&2; }

# The state directory, as vigild will resolve it.
state_dir() {
  local config=Config/vigild.yaml dir= have_dir= previous=
  for arg in "$@"; do
    case "$previous" in
      --state-dir) dir=$arg; have_dir=1 ;;
      --config|-c) config=$arg ;;
    esac
    case "$arg" in
      --state-dir=*) dir=${arg#--state-dir=}; have_dir=1 ;;
      --config=*) config=${arg#--config=} ;;
    esac
    previous=$arg
  done
  if [ -z "$have_dir" ]; then
    dir=state
    if [ -r "$config" ]; then
      # The `dir:` key of the top-level `state:` section; quotes and a trailing comment removed.
      local found
      found=$(awk '
        /^[^[:space:]#]/ { in_state = ($0 ~ /^state:[[:space:]]*(#.*)?$/) ; next }
        in_state && /^[[:space:]]+dir:/ {
          sub(/^[[:space:]]+dir:[[:space:]]*/, ""); sub(/[[:space:]]+#.*$/, ""); sub(/[[:space:]]+$/, "")
          if ($0 ~ /^".*"$/ || $0 ~ /^'"'"'.*'"'"'$/) $0 = substr($0, 2, length($0) - 2)
          print "=" $0; exit
        }' "$config")
      [ -n "$found" ] && dir=${found#=}
    fi
  fi
  printf '%s' "$dir"
}

STATE_DIR=$(state_dir "$@")
child=
sleeper=
stopping=
interrupted=

forward() {
  stopping=$1
  interrupted=1
  if [ -n "$child" ]; then kill -s "$1" "$child" 2>/dev/null; fi
  if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null; fi
}
trap 'forward INT' INT
trap 'forward TERM' TERM

# Waits for vigild to end, through the signals forwarded meanwhile; sets `status`.
wait_child() {
  local s
  status=
  while :; do
    interrupted=
    wait "$child"
    s=$?
    if [ "$s" -eq 127 ] && [ -n "$status" ]; then break; fi  # already reaped: status is its end
    status=$s
    [ -n "$interrupted" ] || break  # a real end, not a signal of ours interrupting the wait
  done
}

write_exit_record() {
  [ -n "$STATE_DIR" ] || return 0
  local signal=null now tmp
  if [ "$2" -gt 128 ]; then signal="\"SIG$(kill -l "$(($2 - 128))" 2>/dev/null || echo "$(($2 - 128))")\""; fi
  now=$(date +%s%3N)
  mkdir -p "$STATE_DIR" || return 0
  tmp="$STATE_DIR/.vigild.exit.$$"
  printf '{"v":1,"pid":%d,"status":%d,"signal":%s,"ended_ms":%d}\n' "$1" "$2" "$signal" "$now" >"$tmp" && mv -f "$tmp" "$STATE_DIR/vigild.exit"
}

delay_ms=500
while :; do
  started=$(date +%s)
  "$VIGILD" "$@" &
  child=$!
  log "vigild started (pid $child)"
  if [ -n "$stopping" ]; then kill -s "$stopping" "$child" 2>/dev/null; fi  # a signal before $child was known
  wait_child
  pid=$child
  child=
  if [ -n "$stopping" ]; then
    log "vigild (pid $pid) ended with status $status after SIG$stopping"
    exit "$status"
  fi
  case "$status" in
    0) log "vigild (pid $pid) stopped in order"; exit 0 ;;
    64|69|78) log "vigild (pid $pid) ended with status $status: not restarting"; exit "$status" ;;
    75) log "vigild (pid $pid) stopped being the cluster's active node; starting it again as a standby"; continue ;;
  esac
  if [ $(($(date +%s) - started)) -ge 60 ]; then delay_ms=500; fi
  write_exit_record "$pid" "$status"
  how="status $status"
  if [ "$status" -gt 128 ]; then how="signal SIG$(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))"; fi
  log "vigild (pid $pid) ended abnormally ($how); restarting in $((delay_ms / 1000)).$((delay_ms % 1000 / 100)) s"
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))" &
  sleeper=$!
  wait "$sleeper" 2>/dev/null
  sleeper=
  if [ -n "$stopping" ]; then
    log "stopped by SIG$stopping while waiting to restart"
    exit 0
  fi
  delay_ms=$((delay_ms * 2))
  if [ "$delay_ms" -gt 10000 ]; then delay_ms=10000; fi
done
