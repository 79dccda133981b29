#!/usr/bin/env bash
# Footprint benchmark (issue 18): resident memory idle, with 10 viewers at 1280x720 and with 500
# viewers at 640x480, heap and direct memory in use, classes loaded, threads, the native-memory
# breakdown, and start-up to the first frame on 2 cores and on one (bench/startup.sh, taskset).
# pi-stream runs with etc/jvm-pi.options (what the package installs as /etc/pi-stream/jvm.options),
# the shared bench's feeder as its camera at 30 fps and mjpeg-load as the viewers. LAUNCHER=1 (default)
# starts it as the service does: packaging/bin/pi-stream (EXTRA as JAVA_OPTS) with a cache folder, after
# two starts that write and check its class-data archive; LAUNCHER=0: java OPTIONS -jar WAR.
# LAUNCHER_SCRIPTS="NAME=SCRIPT" gives a variant another launcher script (as for bench/startup.sh).
#
#   bench/footprint.sh                                  (target/pi-stream.war, built first)
#   BUILD=0 bench/footprint.sh base=/tmp/base.war new=target/pi-stream.war 'c1=target/pi-stream.war,-XX:TieredStopAtLevel=1'
#   STARTUP=0 NMT=0 bench/footprint.sh                  (memory only)
#   OPTIONS=/tmp/old-jvm-pi.options bench/footprint.sh  (another options file, e.g. git show HEAD~1:etc/jvm-pi.options)
#
# Each argument is a variant NAME=WAR[,EXTRA_JVM_OPTIONS], as for bench/startup.sh. Per variant:
#   idle      one server, 720p camera, no viewer, IDLE seconds after the first frame: VmRSS
#   10@720p   the same server, 10 viewers for DURATION seconds: the highest VmRSS sampled each second
#   500@480   a new server, 640x480 camera, 500 viewers for DURATION seconds: the highest VmRSS
# Heap in use and classes come from jstat (perf data, no attach); direct memory (NIO buffers,
# Jetty's pool included) from /metrics, read last so its classes do not count in the RSS figures.
# NMT=1 (default) starts one more idle server with -XX:NativeMemoryTracking=summary and prints
# where the committed memory goes (NMT itself costs a few MB, so its run is not the RSS figure).
# STARTUP=1 (default) then runs bench/startup.sh with CPUS=0,1 and CPUS=0 (RUNS starts each), the
# way the service starts: the installed launcher (packaging/bin/pi-stream) with its class-data
# archive written by a first run and checked by a second (LAUNCHER=1). Memory is steady from run to run; the wall times move
# with the machine's load, which is printed with them. Results also go to $OUT/footprint.md.
set -euo pipefail
WORK=${WORK:-/tmp/pistream-bench-footprint}
source "$(dirname "$0")/common.sh"
IDLE=${IDLE:-20}
DURATION=${DURATION:-20}
NMT=${NMT:-1}
LAUNCHER=${LAUNCHER:-1}
STARTUP=${STARTUP:-1}
PORT=${PORT:-18498}
OUT=${OUT:-$WORK/results}
FRAMES_720=$WORK/frames-720
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=("pi-stream=$WAR")
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
bench_setup
[ -d "$FRAMES_720" ] || "$TOOLS/make-frames.sh" "$FRAMES_720" 1280x720 60 >/dev/null
mkdir -p "$OUT"
# OPTIONS: another JVM options file in place of etc/jvm-pi.options (e.g. an older one, to compare).
export OPTIONS=${OPTIONS:-$ROOT/etc/jvm-pi.options}
JVM_OPTS=$(grep -v '^#' "$OPTIONS" | tr '\n' ' ')
URL=http://127.0.0.1:$PORT
SERVER=""
trap '[ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true' EXIT

# start_server WAR EXTRA FRAMES_DIR NAME: starts pi-stream in the background (pid in SERVER), waits for a frame.
start_server() {
    local war=$1 extra=$2 frames=$3 name=$4
    local -a cmd
    if [ "$LAUNCHER" = 1 ]; then
        local dir
        dir=$(launcher_copy "$war" "$(launcher_script "$name")")
        cmd=(env CACHE_DIRECTORY="$dir/cache" JAVA_OPTS="$extra" "$dir/pi-stream")
    else
        # shellcheck disable=SC2206 # the options are words
        cmd=(java $JVM_OPTS $extra -jar "$war")
    fi
    "${cmd[@]}" --port "$PORT" --address 127.0.0.1 --stats-interval 0 \
        --max-clients 1000 --max-connections 1200 --max-connections-per-address 0 --max-clients-per-address 0 \
        --camera-cmd "$TOOLS/feeder" --camera-args "--frames $frames --out - --fps 30 --quiet" \
        >"$WORK/footprint-server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null --max-time 2 "$URL/snapshot" && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    echo "no frame from $URL/snapshot; server log: $WORK/footprint-server.log" >&2
    exit 1
}

stop_server() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}

rss_mb() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status"
}

threads() {
    awk '/^Threads:/ { print $2 }' "/proc/$SERVER/status"
}

# Heap in use (MB, young + old) and committed (MB), from jstat's perf data.
heap_mb() {
    jstat -gc "$SERVER" | awk 'NR == 2 { printf "%.1f %.1f", ($3 + $4 + $6 + $8) / 1024, ($1 + $2 + $5 + $7) / 1024 }'
}

# Young and full collections so far, and the time they took (s): what a smaller heap costs.
gcs() {
    jstat -gc "$SERVER" | awk 'NR == 2 { printf "%s/%s/%.2fs", $(NF - 6), $(NF - 4), $NF }'
}

classes() {
    jstat -class "$SERVER" | awk 'NR == 2 { print $1 }'
}

# Direct memory allocated (MB): NIO buffers, Jetty's pooled ones included.
direct_mb() {
    curl -s --max-time 10 "$URL/metrics" | awk '/^jvm_buffer_pool_used_bytes\{pool="direct"\}/ { printf "%.1f", $2 / 1048576 }'
}

# sample_under_load VIEWERS: peak RSS, then heap/threads/classes/direct while the viewers are connected.
sample_under_load() {
    local viewers=$1 load peak=0 rss t end heap cls thr direct
    "$TOOLS/mjpeg-load" --clients "$viewers" --duration "$DURATION" --ramp-ms 2000 --quiet "$URL/stream" \
        >"$WORK/footprint-load-$viewers.txt" 2>&1 &
    load=$!
    end=$(( $(date +%s) + DURATION - 3 ))
    while [ "$(date +%s)" -lt "$end" ] && kill -0 "$load" 2>/dev/null; do
        rss=$(rss_mb)
        peak=$(awk -v a="$peak" -v b="$rss" 'BEGIN { print (b > a) ? b : a }')
        sleep 1
    done
    heap=$(heap_mb)
    cls=$(classes)
    thr="$(threads) $(gcs)"
    direct=$(direct_mb)
    wait "$load" || true
    echo "$peak $heap $direct $cls $thr $(tail -1 "$WORK/footprint-load-$viewers.txt" \
        | grep -o 'ok=[0-9]*\|fps_per_fast_client_median=[0-9.]*\|lat_p99_ms=[0-9.]*\|corrupt=[0-9]*' | paste -sd, -)"
}

ROWS=$OUT/footprint-rows.txt
: >"$ROWS"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "JVM options: $JVM_OPTS"
for v in "${VARIANTS[@]}"; do
    name=${v%%=*}
    spec=${v#*=}
    war=${spec%%,*}
    extra=""
    [ "$spec" = "$war" ] || extra=${spec#*,}

    if [ "$LAUNCHER" = 1 ]; then
        # As the service runs after its first two starts: the first writes the class-data archive
        # when it stops, the second checks it.
        rm -rf "$(launcher_copy "$war" "$(launcher_script "$name")")"
        for _ in 1 2; do
            start_server "$war" "$extra" "$FRAMES_720" "$name"
            stop_server
        done
    fi
    start_server "$war" "$extra" "$FRAMES_720" "$name"
    sleep "$IDLE"
    rss=$(rss_mb)
    read -r heap heapc <<<"$(heap_mb)"
    echo "$name idle $rss $heap $heapc - $(classes) $(threads) $(gcs) -" >>"$ROWS"
    read -r peak heap heapc direct cls thr gc summary <<<"$(sample_under_load 10)"
    echo "$name 10@720p $peak $heap $heapc ${direct:--} $cls $thr $gc $summary" >>"$ROWS"
    stop_server

    start_server "$war" "$extra" "$FRAMES" "$name"
    sleep 5
    read -r peak heap heapc direct cls thr gc summary <<<"$(sample_under_load 500)"
    echo "$name 500@480 $peak $heap $heapc ${direct:--} $cls $thr $gc $summary" >>"$ROWS"
    stop_server

    if [ "$NMT" = 1 ]; then
        start_server "$war" "$extra -XX:NativeMemoryTracking=summary" "$FRAMES_720" "$name"
        sleep "$IDLE"
        echo "## $name: native memory committed, idle with NMT (RSS $(rss_mb) MB; NMT's own share included)"
        jcmd "$SERVER" VM.native_memory summary scale=KB \
            | awk '/^-/ { sub(/^- */, ""); split($0, a, "("); name = a[1]; gsub(/ +$/, "", name);
                          if (match($0, /committed=[0-9]+KB/)) printf "  %-28s %7.1f MB\n", name, substr($0, RSTART + 10, RLENGTH - 12) / 1024 }
                   /^Total:/ { match($0, /committed=[0-9]+KB/); printf "  %-28s %7.1f MB\n", "Total", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }' \
            | tee "$OUT/footprint-nmt-$name.txt"
        stop_server
    fi
done

{
    echo "| variant | phase | peak RSS MB | heap used / committed MB | direct MB | classes | threads | GCs young/full/time | mjpeg-load summary |"
    echo "|---|---|---|---|---|---|---|---|---|"
    awk '{ printf "| %s | %s | %s | %s / %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, ($10 == "" ? "-" : $10) }' "$ROWS"
} | tee "$OUT/footprint.md"

if [ "$STARTUP" = 1 ]; then
    for cpus in 0,1 0; do
        echo "## start-up, taskset -c $cpus"
        BUILD=0 CPUS=$cpus LAUNCHER=1 CAMERAS=feeder "$ROOT/bench/startup.sh" "${VARIANTS[@]}" | tail -n +2
    done | tee -a "$OUT/footprint.md"
fi
