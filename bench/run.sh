#!/usr/bin/env bash
# Fan-out benchmark: pi-stream against limit-server (the smallest possible fan-out, the physical
# limit of this machine) in one run, with the same frames, feeder and load tool from ../shared/bench;
# and against mjpg-streamer too when MJPG_STREAMER names a build of it.
#
#   bench/run.sh [CLIENTS...]              (default: 10 500; 640x480 frames unless FRAMES= names others)
#   bench/run.sh matrix                     (issue 18's camera sizes, one after the other:
#                                            1920x1080 x 50, 1280x720 x 100, 640x480 x 500 at 30 fps,
#                                            640x480 x 2000 at 5 fps; ROUNDS=2 runs the whole matrix twice)
#   DURATION=20 LOAD_ARGS="--stall 20" bench/run.sh 120
#   FPS=5 bench/run.sh 2000                 (dashboard style: many viewers, a slow camera)
#   MJPG_STREAMER=/tmp/mjpg-streamer bench/run.sh matrix
#                                           (the folder holding mjpg_streamer, input_file.so and
#                                            output_http.so, as bench/mjpg-streamer.sh builds it;
#                                            fed by the shared feeder's --dir mode)
#
# Results: $WORK/results/results.md (one row per server and client count; see ../shared/bench/README.md
# for the columns), with a line before each configuration giving the frames, fps and `uptime`.
# pi-stream runs with the small-board JVM options of etc/jvm-pi.options; WAR= picks another build
# (e.g. an older one, for a before/after in the same session) and PISTREAM_ARGS= adds flags
# (e.g. "--verify-frames headers" to weigh the frame check apart from the fan-out); WAR_BEFORE= runs
# a second build right before it in each configuration (row pi-stream-before), for a before/after
# under the same load.
set -euo pipefail
GIVEN_WAR=${WAR:-}
source "$(dirname "$0")/common.sh"
CLIENTS=${*:-10 500}
DURATION=${DURATION:-20}
PORT=${PORT:-18470}
OUT=${OUT:-$WORK/results}
LOAD_ARGS=${LOAD_ARGS:-}
FPS=${FPS:-30}
ROUNDS=${ROUNDS:-1}
IDLE_WAIT=${IDLE_WAIT:-20}
WAR=${GIVEN_WAR:-$WAR}
# Every viewer holds a socket in the server and one in the load tool (docs/TUNING.md).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ -n "${MJPG_STREAMER:-}" ]; then
    for f in mjpg_streamer input_file.so output_http.so; do
        [ -f "$MJPG_STREAMER/$f" ] || { echo "MJPG_STREAMER=$MJPG_STREAMER has no $f (build it with bench/mjpg-streamer.sh)" >&2; exit 2; }
    done
fi
bench_setup
# JVM_EXTRA adds options to the Pi's, e.g. JVM_EXTRA=-XX:TieredStopAtLevel=1 to weigh C1 only.
JVM_OPTS="$(grep -v '^#' "$ROOT/etc/jvm-pi.options" | tr '\n' ' ') ${JVM_EXTRA:-}"
export BENCH_BIN=$TOOLS
mkdir -p "$OUT"

# frames_for WIDTHxHEIGHT: a folder of 60 test frames of that size (made once).
frames_for() {
    local dir=$WORK/frames-${1%%x*}
    [ -d "$dir" ] || "$TOOLS/make-frames.sh" "$dir" "$1" 60 >/dev/null
    echo "$dir"
}

# pi_stream NAME WAR FRAMES FPS CLIENTS: one pi-stream row.
pi_stream() {
    local name=$1 war=$2 frames=$3 fps=$4 clients=$5
    "$TOOLS/bench-run.sh" --name "$name" --out "$OUT" --clients "$clients" --duration "$DURATION" --idle-wait "$IDLE_WAIT" --settle 4 \
        ${LOAD_ARGS:+--load-args "$LOAD_ARGS"} \
        --server "java $JVM_OPTS -jar $war --port $PORT --address 127.0.0.1 --stats-interval 0 --max-clients 5000 --max-connections 6000 --max-connections-per-address 0 --max-clients-per-address 0 ${PISTREAM_ARGS:-} --camera-cmd $TOOLS/feeder --camera-args '--frames $frames --out - --fps $fps --quiet'" \
        --url "127.0.0.1:$PORT/stream"
}

# one_config FRAMES FPS CLIENTS: every server, one after the other, with the same load.
one_config() {
    local frames=$1 fps=$2 clients=$3
    local feed="$TOOLS/feeder --frames $frames --fps $fps --quiet"
    local kb
    kb=$(du -sk "$frames" | awk -v n="$(ls "$frames" | wc -l)" '{printf "%.0f", $1 / n}')
    echo "<!-- $(basename "$frames") ~${kb} KB/frame, $fps fps, $clients viewers; $(uptime) -->" >> "$OUT/results.md"
    "$TOOLS/bench-run.sh" --name limit-server --out "$OUT" --clients "$clients" --duration "$DURATION" --idle-wait "$IDLE_WAIT" \
        ${LOAD_ARGS:+--load-args "$LOAD_ARGS"} \
        --pipe --feeder "$feed --out -" --server "$TOOLS/limit-server $PORT" --url "127.0.0.1:$PORT/stream"

    if [ -n "${WAR_BEFORE:-}" ]; then
        pi_stream pi-stream-before "$WAR_BEFORE" "$frames" "$fps" "$clients"
    fi
    pi_stream pi-stream "$WAR" "$frames" "$fps" "$clients"

    if [ -n "${MJPG_STREAMER:-}" ]; then
        # input_file reads the frame named by each inotify IN_MOVED_TO event in the folder, which is
        # what the feeder's --dir mode gives (one rename per complete frame; it deletes all but the
        # last 10 itself, so no -r). -d 0: input_file sleeps 1 s after every frame by default. The
        # feeder prints its fps and overruns (no --quiet), since here it is a separate process that
        # writes a file per frame.
        local drop=$WORK/mjpg-in
        rm -rf "$drop" && mkdir -p "$drop"
        "$TOOLS/bench-run.sh" --name mjpg-streamer --out "$OUT" --clients "$clients" --duration "$DURATION" --idle-wait "$IDLE_WAIT" \
            ${LOAD_ARGS:+--load-args "$LOAD_ARGS"} \
            --feeder "$TOOLS/feeder --frames $frames --fps $fps --dir $drop" \
            --server "env LD_LIBRARY_PATH=$MJPG_STREAMER $MJPG_STREAMER/mjpg_streamer -i '$MJPG_STREAMER/input_file.so -f $drop -d 0' -o '$MJPG_STREAMER/output_http.so -l 127.0.0.1 -p $PORT'" \
            --url "127.0.0.1:$PORT/?action=stream"
    fi
}

if [ "$CLIENTS" = matrix ]; then
    for _ in $(seq "$ROUNDS"); do
        one_config "$(frames_for 1920x1080)" 30 50
        one_config "$(frames_for 1280x720)" 30 100
        one_config "$(frames_for 640x480)" 30 500
        one_config "$(frames_for 640x480)" 5 2000
    done
else
    one_config "$FRAMES" "$FPS" "$CLIENTS"
fi

cat "$OUT/results.md"
