#!/usr/bin/env bash
# Fan-out benchmark: pi-stream against limit-server (the smallest possible fan-out, the physical
# limit of this machine) in one run, with the same frames, feeder and load tool from ../shared/bench.
#
#   bench/run.sh [CLIENTS...]              (default: 10 500)
#   DURATION=20 LOAD_ARGS="--stall 20" bench/run.sh 120
#   FPS=5 bench/run.sh 2000                 (dashboard style: many viewers, a slow camera)
#
# Results: $WORK/results/results.md (one row per server and client count; see ../shared/bench/README.md
# for the columns). pi-stream runs with the small-board JVM options of etc/jvm-pi.options.
set -euo pipefail
source "$(dirname "$0")/common.sh"
CLIENTS=${*:-10 500}
DURATION=${DURATION:-20}
PORT=${PORT:-18470}
OUT=${OUT:-$WORK/results}
LOAD_ARGS=${LOAD_ARGS:-}
FPS=${FPS:-30}
# Every viewer holds a socket in the server and one in the load tool (docs/TUNING.md).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
bench_setup
# JVM_EXTRA adds options to the Pi's, e.g. JVM_EXTRA=-XX:TieredStopAtLevel=1 to weigh C1 only.
JVM_OPTS="$(grep -v '^#' "$ROOT/etc/jvm-pi.options" | tr '\n' ' ') ${JVM_EXTRA:-}"
FEED="$TOOLS/feeder --frames $FRAMES --fps $FPS --quiet"
export BENCH_BIN=$TOOLS

"$TOOLS/bench-run.sh" --name limit-server --out "$OUT" --clients "$CLIENTS" --duration "$DURATION" --idle-wait 20 \
    ${LOAD_ARGS:+--load-args "$LOAD_ARGS"} \
    --pipe --feeder "$FEED --out -" --server "$TOOLS/limit-server $PORT" --url "127.0.0.1:$PORT/stream"

"$TOOLS/bench-run.sh" --name pi-stream --out "$OUT" --clients "$CLIENTS" --duration "$DURATION" --idle-wait 20 --settle 4 \
    ${LOAD_ARGS:+--load-args "$LOAD_ARGS"} \
    --server "java $JVM_OPTS -jar $WAR --port $PORT --address 127.0.0.1 --stats-interval 0 --max-clients 5000 --max-connections 6000 --max-connections-per-address 0 --max-clients-per-address 0 --camera-cmd $TOOLS/feeder --camera-args '--frames $FRAMES --out - --fps $FPS --quiet'" \
    --url "127.0.0.1:$PORT/stream"

cat "$OUT/results.md"
