#!/usr/bin/env bash
# Soak benchmark (not run in CI): CLIENTS viewers churning (a new batch every 20 s) against a camera
# that is killed every 30 s, for MINUTES minutes. Reports threads, file descriptors, heap and RSS of
# the server before and after, and what the viewers received.
#
#   bench/soak.sh [MINUTES]        (defaults: 10 minutes, CLIENTS=200, PORT=18480)
set -euo pipefail
source "$(dirname "$0")/common.sh"
MINUTES=${1:-10}
CLIENTS=${CLIENTS:-200}
PORT=${PORT:-18480}
URL=http://127.0.0.1:$PORT
bench_setup

java -Xmx128m -jar "$WAR" --port "$PORT" --address 127.0.0.1 --stats-interval 60 --max-clients 1000 --max-connections 1200 --max-connections-per-address 0 --max-clients-per-address 0 \
    --camera-cmd "$TOOLS/feeder" --camera-args "--frames $FRAMES --out - --fps 30 --quiet" \
    > "$WORK/soak-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; kill $KILLER 2>/dev/null || true' EXIT
wait_http "$URL/stats"
sleep 10

sample() {
    jcmd "$SERVER" GC.run >/dev/null 2>&1 || true
    sleep 1
    local heap
    heap=$(curl -s "$URL/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["server"]["heapUsedBytes"])')
    echo "$(proc_sample "$SERVER") $heap"
}
read -r T0 F0 R0 H0 <<<"$(sample)"

# The camera crashes every 30 s: SIGKILL to the server's camera child.
( while sleep 30; do pkill -KILL -P "$SERVER" -f feeder || true; done ) &
KILLER=$!

END=$(( $(date +%s) + MINUTES * 60 ))
ROUNDS=0
: > "$WORK/soak-load.txt"
while [ "$(date +%s)" -lt "$END" ]; do
    "$TOOLS/mjpeg-load" --clients "$CLIENTS" --duration 20 --ramp-ms 2000 --quiet "$URL/stream" | tail -1 >> "$WORK/soak-load.txt"
    ROUNDS=$((ROUNDS + 1))
done
kill $KILLER 2>/dev/null || true
# Jetty keeps idle pool threads for 60 s: sample after that, so growth under load is not taken for a leak.
read -r TL FL RL HL <<<"$(sample)"
sleep 65
read -r T1 F1 R1 H1 <<<"$(sample)"
STATS=$(curl -s "$URL/stats")
RESTARTS=$(echo "$STATS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["camera"]["restarts"])')
CONNECTED=$(echo "$STATS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clients"]["connected"])')
ACCEPTED=$(echo "$STATS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clients"]["accepted"])')

cat <<REPORT | tee "$WORK/soak-report.md"
Soak: $MINUTES min, $ROUNDS rounds of $CLIENTS viewers x 20 s, camera (feeder 640x480 30 fps) killed every 30 s, -Xmx128m
| | threads | open fds | RSS MB | heap after GC MB |
|---|---|---|---|---|
| before | $T0 | $F0 | $((R0 / 1024)) | $((H0 / 1048576)) |
| right after the load | $TL | $FL | $((RL / 1024)) | $((HL / 1048576)) |
| 65 s later | $T1 | $F1 | $((R1 / 1024)) | $((H1 / 1048576)) |
camera restarts: $RESTARTS; connections accepted: $ACCEPTED; still connected after the load: $CONNECTED
corrupt parts over all rounds: $(awk '{for(i=1;i<=NF;i++) if($i ~ /^corrupt=/){split($i,a,"="); s+=a[2]}} END{print s+0}' "$WORK/soak-load.txt"); failed connections: $(awk '{for(i=1;i<=NF;i++) if($i ~ /^failed=/){split($i,a,"="); s+=a[2]}} END{print s+0}' "$WORK/soak-load.txt")
REPORT
