#!/usr/bin/env bash
# The suite on a busy machine (issue 11's acceptance): starts one busy loop per core
# (`node -e 'for(;;);'`), runs the test command RUNS times in a row beside them, prints each run's result
# line (tests, pass, fail, duration) and exits non-zero if any run failed. The busy loops are killed on
# exit, however the script ends.
#
#   scripts/test-loaded.sh [RUNS [COMMAND...]]     (default: 3 runs of `npm test`)
#   BUSY_LOOPS=4 scripts/test-loaded.sh 1 node --test dist/src/platform/computer-server.test.js
#
# Each run's whole output is kept in a log file under LOG_DIR (default: a new folder in the temp
# directory), named in the result line.
set -u

runs=${1:-3}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "test-loaded: RUNS must be a positive integer, got '$runs'" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))
if [ $# -eq 0 ]; then set -- npm test; fi
busy=${BUSY_LOOPS:-$(nproc 2>/dev/null || echo 2)}
if ! [[ $busy =~ ^[0-9]+$ ]]; then
  echo "test-loaded: BUSY_LOOPS must be a non-negative integer, got '$busy'" >&2
  exit 2
fi
log_dir=${LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/soe-test-loaded-XXXXXX")}
mkdir -p "$log_dir"

# Job control: the test command runs in its own process group, so that it can be stopped whole.
set -m
loops=()
tests=''
cleanup() {
  if [ -n "$tests" ]; then kill -TERM -- "-$tests" 2>/dev/null; wait "$tests" 2>/dev/null; fi
  for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${loops[@]}"; do wait "$pid" 2>/dev/null; done
  loops=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for ((i = 0; i < busy; i++)); do
  node -e 'for(;;);' &
  loops+=($!)
done
command=$*
if [ ${#command} -gt 160 ]; then command="${command:0:157}..."; fi
echo "test-loaded: $busy busy loops (pids ${loops[*]}), $runs runs of: $command"
echo "test-loaded: load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

# The summary counters of node:test, in its spec (ℹ) or TAP (#) form: "tests 12 pass 12 fail 0 ...".
summary() {
  local log=$1 out='' key value
  for key in tests pass fail cancelled skipped todo duration_ms; do
    value=$(grep -E "^[ℹ#] $key [0-9.]+$" "$log" | tail -n 1 | awk '{print $3}')
    if [ -z "$value" ]; then continue; fi
    if [ "$key" = duration_ms ]; then
      out+=" duration $(awk -v ms="$value" 'BEGIN { printf "%.1f s", ms / 1000 }')"
    else
      out+=" $key $value"
    fi
  done
  echo "${out# }"
}

failed=0
for ((run = 1; run <= runs; run++)); do
  log="$log_dir/run-$run.log"
  start=$(date +%s)
  "$@" >"$log" 2>&1 &
  tests=$!
  wait "$tests"
  code=$?
  tests=''
  wall=$(($(date +%s) - start))
  counts=$(summary "$log")
  if [ $code -eq 0 ]; then verdict=ok; else verdict="FAILED (exit $code)"; failed=1; fi
  echo "run $run/$runs: $verdict: ${counts:-no node:test summary} (wall ${wall} s, load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?), log $log)"
  if [ $code -ne 0 ]; then grep -E "^ *(not ok|✖) " "$log" | head -n 20 | sed 's/^/  /'; fi
done
exit $failed
