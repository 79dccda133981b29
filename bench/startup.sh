#!/usr/bin/env bash
# Start-up benchmark (issue 6): from launching `java -jar` to the first 200 from /snapshot, for the
# built WAR with the small-board JVM options of etc/jvm-pi.options, with the built-in test pattern
# and with a camera command that emits frames at once (../shared/bench's feeder).
#
#   bench/startup.sh                                   (5 starts of each camera, target/pi-stream.war)
#   RUNS=9 CAMERAS=feeder bench/startup.sh
#   bench/startup.sh base=/tmp/base.war new=target/pi-stream.war 'tier1=target/pi-stream.war,-XX:TieredStopAtLevel=1'
#
# Each argument is a variant NAME=WAR[,EXTRA_JVM_OPTIONS]; the variants run alternately, start by
# start, so a change in the machine's load hits them alike. Per start it prints the wall time, the
# JVM's user+sys CPU time at that moment (from /proc; a child camera process is not counted; less
# sensitive to the load than the wall time) and the 1-minute load average; then the medians.
# The machine is shared: read the load column before trusting a wall time.
# BUILD=0 skips building the WAR; results also go to $OUT/startup.md.
# CPUS=0 runs the server (and its camera) on those CPUs only (taskset -c), e.g. one core of two.
# LAUNCHER=1 starts the way the service does: packaging/bin/pi-stream (pointed at the variant's WAR and
# etc/jvm-pi.options, EXTRA as JAVA_OPTS) with a cache folder of its own per variant, after two
# untimed starts: the first writes the class-data archive when it stops, the second checks it.
# LAUNCHER_SCRIPTS="NAME=SCRIPT ..." gives a variant another launcher script than packaging/bin/pi-stream,
# e.g. an older one with its WAR (git show REV:packaging/bin/pi-stream >/tmp/old-pi-stream).
set -euo pipefail
WORK=${WORK:-/tmp/pistream-bench-start}
source "$(dirname "$0")/common.sh"
RUNS=${RUNS:-5}
CAMERAS=${CAMERAS:-test-pattern feeder}
PORT=${PORT:-18497}
POLL=${POLL:-0.015}
OUT=${OUT:-$WORK/results}
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=("pi-stream=$WAR")
bench_setup
mkdir -p "$OUT"
# OPTIONS: another JVM options file in place of etc/jvm-pi.options (e.g. an older one, to compare).
OPTIONS=${OPTIONS:-$ROOT/etc/jvm-pi.options}
JVM_OPTS=$(grep -v '^#' "$OPTIONS" | tr '\n' ' ')
CPUS=${CPUS:-}
LAUNCHER=${LAUNCHER:-0}
TICK=$(getconf CLK_TCK)
URL="http://127.0.0.1:$PORT/snapshot"

camera_flags() {
    case $1 in
        test-pattern) echo "--camera test-pattern" ;;
        feeder) echo "--camera-cmd $TOOLS/feeder" ;;
        *) echo "unknown camera: $1 (test-pattern or feeder)" >&2; exit 2 ;;
    esac
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

# One start: prints "wall_s cpu_s load1".
start_once() {
    local war=$1 extra=$2 camera=$3 name=$4 pid t0 t1 cpu load code
    local -a args
    read -r -a args <<<"$(camera_flags "$camera")"
    if [ "$camera" = feeder ]; then
        args+=(--camera-args "--frames $FRAMES --out - --fps 30 --quiet")
    fi
    # Another server on the port would answer for ours: wait for it to go (the last start's), else stop.
    for _ in $(seq 1 100); do
        port_free && break
        sleep 0.1
    done
    if ! port_free; then
        echo "port $PORT is in use by another program: set PORT" >&2
        exit 1
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$EPOCHREALTIME
    local -a cmd=()
    [ -z "$CPUS" ] || cmd=(taskset -c "$CPUS")
    if [ "$LAUNCHER" = 1 ]; then
        local dir
        dir=$(launcher_copy "$war" "$(launcher_script "$name")")
        cmd+=(env CACHE_DIRECTORY="$dir/cache" JAVA_OPTS="$extra" "$dir/pi-stream")
    else
        # shellcheck disable=SC2206 # the options are words
        cmd+=(java $JVM_OPTS $extra -jar "$war")
    fi
    "${cmd[@]}" --port "$PORT" --address 127.0.0.1 --stats-interval 0 "${args[@]}" >"$WORK/startup-server.log" 2>&1 &
    pid=$!
    code=000
    for _ in $(seq 1 2000); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL" || true)
        [ "$code" = 200 ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep "$POLL"
    done
    t1=$EPOCHREALTIME
    cpu=$(awk -v tick="$TICK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / tick }' "/proc/$pid/stat" 2>/dev/null || echo nan)
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ "$code" != 200 ]; then
        echo "no 200 from $URL (last: $code); server log: $WORK/startup-server.log" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" -v c="$cpu" -v l="$load" 'BEGIN { printf "%.3f %s %s\n", b - a, c, l }'
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

RAW=$WORK/startup-raw.txt
: >"$RAW"
if [ "$LAUNCHER" = 1 ]; then
    # The service's first run writes the class-data archive when it stops, the second checks it (not timed).
    rm -rf "$WORK"/launcher-*
    for v in "${VARIANTS[@]}"; do
        spec=${v#*=}
        war=${spec%%,*}
        extra=""
        [ "$spec" = "$war" ] || extra=${spec#*,}
        start_once "$war" "$extra" "${CAMERAS%% *}" "${v%%=*}" >/dev/null
        start_once "$war" "$extra" "${CAMERAS%% *}" "${v%%=*}" >/dev/null
    done
fi
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores${CPUS:+ (taskset -c $CPUS)}, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS starts each$([ "$LAUNCHER" != 1 ] || echo ", the service's launcher with its class-data archive")"
printf '%-14s %-12s %3s %8s %7s %6s\n' variant camera run wall_s cpu_s load1
for camera in $CAMERAS; do
    for run in $(seq 1 "$RUNS"); do
        for v in "${VARIANTS[@]}"; do
            name=${v%%=*}
            spec=${v#*=}
            war=${spec%%,*}
            extra=""
            [ "$spec" = "$war" ] || extra=${spec#*,}
            read -r wall cpu load < <(start_once "$war" "$extra" "$camera" "$name")
            printf '%-14s %-12s %3s %8s %7s %6s\n' "$name" "$camera" "$run" "$wall" "$cpu" "$load"
            echo "$name $camera $wall $cpu $load" >>"$RAW"
        done
    done
done

{
    echo "| variant | camera | starts | median wall s | min-max wall s | median CPU s | load (1 min) |"
    echo "|---|---|---|---|---|---|---|"
    for camera in $CAMERAS; do
        for v in "${VARIANTS[@]}"; do
            name=${v%%=*}
            rows=$(awk -v n="$name" -v c="$camera" '$1 == n && $2 == c' "$RAW")
            wall=$(awk '{ print $3 }' <<<"$rows" | median)
            range=$(awk '{ print $3 }' <<<"$rows" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }')
            cpu=$(awk '{ print $4 }' <<<"$rows" | median)
            load=$(awk '{ print $5 }' <<<"$rows" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }')
            echo "| $name | $camera | $RUNS | $wall | $range | $cpu | $load |"
        done
    done
} | tee "$OUT/startup.md"
