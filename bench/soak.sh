#!/usr/bin/env bash
# Soak (not run in CI): pi-stream under the Pi's JVM options (etc/jvm-pi.options: 64 MB heap, serial
# GC) with a hostile camera and churning clients, sampled every SAMPLE_SECONDS; says whether memory,
# threads and file descriptors stayed flat and whether the steady viewers got clean frames throughout.
#
#   bench/soak.sh                      10 minutes (SOAK_SECONDS=600); about 12 minutes in all
#   SOAK_SECONDS=60 bench/soak.sh      a quick check of the script itself
#
# Environment: SOAK_SECONDS (600), SAMPLE_SECONDS (10), KILL_SECONDS (60; 0: never), PORT (18490),
# MAX_CLIENTS (40), OUT (a new folder under $WORK), BUILD=0 (use target/ as it is). The WAR and the test
# classes are copied to OUT first, so target/ may be rebuilt while the soak runs.
#
# The camera: MjpegTestCamera (the one HostileCameraIT uses) at 640x480, 30 fps, every bit flipped
# with probability 5e-6 (seeded; about one flip in a frame of 30 KB) and every fifth
# frame with a broken header (over-subscribed DHT, no DQT, a scan naming a missing component, width 0).
# It is a JVM that renders its frames at start, which on a busy 2-core machine can take more than the
# default 10 s of --camera-timeout before the first frame: the soak gives it 30 s.
# The load, all at once for SOAK_SECONDS, all from 127.0.0.1 (so the per-address caps are off):
#   steady   4 mjpeg-load viewers for the whole run, plus SoakViewer: one more viewer that decodes every
#            part with the JDK and every 10th with djpeg, and one /snapshot a second with both
#   churn    rounds of 20 /stream connections of about 1 s each (mjpeg-load), back to back
#   snapshot a curl loop on /snapshot, a new connection each time
#   refused  every 30 s a burst of MAX_CLIENTS more viewers for 3 s: above --max-clients, so most are refused
#   crash    every KILL_SECONDS (60) the camera process gets SIGKILL (its pid from /stats); the server restarts it
#
# Samples (CSV, one row per SAMPLE_SECONDS): RSS (also split: anonymous memory, which is what a leak
# grows, and file pages: the JDK's libraries and class data as they are touched) and threads
# (/proc/PID/status), open fds
# (/proc/PID/fd), heap used after a full GC (`jcmd GC.run` then GC.heap_info), metaspace, native memory
# (NMT summary: total committed and "Other", where the JDK counts direct ByteBuffers), the server log's
# lines, and /stats counters. The forced full GC each sample makes "heap after GC" the live set, which
# is what leaks grow; it also makes the serial collector shrink the heap it holds sooner, so RSS here is
# somewhat below what an unprobed server shows (the footprint bench measures that). NMT costs a little
# memory of its own (counted in its "Native Memory Tracking" line, not removed from RSS). nmt-diff.txt:
# what each NMT category gained from the end of the warm-up to the end of the load.
#
# "Flat": over the samples after the warm-up (the first WARMUP_SECONDS, default 60 or a fifth of a
# short run: JIT, class loading and pools filling), the least-squares slope times that span must stay
# below a tolerance of max(10% of the metric's median, a floor: RSS (and each part) 8 MB, heap 2 MB, metaspace 2 MB,
# NMT total 8 MB, direct 2 MB, threads 8, fds 16). Threads and fds move with the connections open at
# the moment of a sample (up to ~80 here), so their floor is wider; the quiet sample 70 s after the load
# (Jetty drops idle pool threads after 60 s) is compared with the one before it as a second look.
# The steady viewers must have received frames in every window (>= 2 fps; SoakViewer's first window,
# its own JVM warming up, is left out), 0 corrupt or undecodable frames and snapshots, and no stream
# lost; the camera's bad frames must show as framesDropped.
# Exit status 0 only if everything holds.
set -euo pipefail
source "$(dirname "$0")/common.sh"
SOAK_SECONDS=${SOAK_SECONDS:-600}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-$(( SOAK_SECONDS / 5 < 60 ? SOAK_SECONDS / 5 : 60 ))}
PORT=${PORT:-18490}
MAX_CLIENTS=${MAX_CLIENTS:-40}
KILL_SECONDS=${KILL_SECONDS:-60}
URL=http://127.0.0.1:$PORT
JAVA=${JAVA:-$(command -v java)}
mkdir -p "$WORK"
OUT=${OUT:-$WORK/soak-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

if [ "${BUILD:-1}" != 0 ]; then
    (cd "$ROOT" && mvn -B -q -o package -DskipTests)
fi
BUILD=0 bench_setup
[ -f "$ROOT/target/test-classes/org/pistream/it/SoakViewer.class" ] || { echo "no test classes: run without BUILD=0" >&2; exit 2; }
cp "$WAR" "$OUT/pi-stream.war"
cp -r "$ROOT/target/test-classes" "$OUT/test-classes"
WAR=$OUT/pi-stream.war
CLASSES=$OUT/test-classes

{
    echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%d MB", $2/1024}' /proc/meminfo)"
    echo "java: $("$JAVA" -version 2>&1 | head -1)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src bench etc || echo ' (with changes)')"
    echo "uptime at start: $(uptime)"
} > "$OUT/machine.txt"

CAMERA_ARGS="-Xshare:auto -XX:TieredStopAtLevel=1 -Xmx32m -cp $CLASSES org.pistream.testcam.MjpegTestCamera"
CAMERA_ARGS+=" --fps 30 --size 640x480 --mutate 0.000005 --bad-tables-every 5"
"$JAVA" @"$ROOT/etc/jvm-pi.options" -XX:NativeMemoryTracking=summary -jar "$WAR" --port "$PORT" --address 127.0.0.1 \
    --max-clients "$MAX_CLIENTS" --max-clients-per-address 0 --max-connections-per-address 0 --stats-interval 60 --camera-timeout 30 \
    --camera-cmd "$JAVA" --camera-args "$CAMERA_ARGS" > "$OUT/server.log" 2>&1 &
SERVER=$!
LOADS=()
cleanup() {
    for pid in "${LOADS[@]}"; do kill "$pid" 2>/dev/null || true; done
    kill "$SERVER" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
wait_http "$URL/stats"
sleep 5

printf 'GC.run\nGC.heap_info\nVM.native_memory summary\n' > "$OUT/jcmd-commands.txt"
# One CSV row: the numbers of /proc, jcmd (one JVM start for the three commands) and /stats.
sample() {
    local t=$1 jc stats
    jc=$(jcmd "$SERVER" -f "$OUT/jcmd-commands.txt" 2>/dev/null || true)
    stats=$(curl -s --max-time 5 "$URL/stats" || echo '{}')
    python3 - "$t" "$(proc_sample "$SERVER")" "$(wc -l < "$OUT/server.log")" "$jc" "$stats" \
        "$(awk '/^RssAnon:/{a=$2} /^RssFile:/{f=$2} END{print a, f}' /proc/$SERVER/status)" <<'PY'
import json, re, sys
t, proc, loglines, jc, stats, rss_parts = sys.argv[1:7]
threads, fds, rss = proc.split()
rss_anon, rss_file = rss_parts.split()
def kb(pattern):
    m = re.search(pattern, jc)
    return int(m.group(1)) if m else -1
young = kb(r'def new generation\s+total \d+K, used (\d+)K')
old = kb(r'tenured generation\s+total \d+K, used (\d+)K')
heap_committed = kb(r'def new generation\s+total (\d+)K') + kb(r'tenured generation\s+total (\d+)K')
meta = kb(r'Metaspace\s+used (\d+)K')
nmt_total = kb(r'Total: reserved=\d+KB, committed=(\d+)KB')
other = kb(r'- +Other \(reserved=\d+KB, committed=(\d+)KB\)')
try:
    s = json.loads(stats)
    cam, cl = s['camera'], s['clients']
    st = [cl['connected'], cl['accepted'], cl['rejected'], cam['framesIn'], sum(cam['framesDropped'].values())]
except (ValueError, KeyError):
    st = [-1] * 5
heap = young + old if young >= 0 and old >= 0 else -1
print(','.join(str(v) for v in [t, rss, rss_anon, rss_file, heap, heap_committed, meta, nmt_total, other, threads, fds, loglines] + st))
PY
}
CSV=$OUT/soak.csv
echo "t_s,rss_kb,rss_anon_kb,rss_file_kb,heap_after_gc_kb,heap_committed_kb,metaspace_kb,nmt_committed_kb,direct_other_kb,threads,fds,log_lines,connected,accepted,rejected,frames_in,frames_dropped" > "$CSV"
sample -1 > "$OUT/quiet-before.csv"

# The load.
START=$(date +%s)
END=$(( START + SOAK_SECONDS ))
"$JAVA" -Xmx64m -cp "$CLASSES" org.pistream.it.SoakViewer "$URL" "$SOAK_SECONDS" "$OUT/viewer.csv" \
    2> "$OUT/viewer.err" &
LOADS+=($!)
"$TOOLS/mjpeg-load" --clients 4 --duration "$SOAK_SECONDS" --timeout 30 "$URL/stream" > "$OUT/steady.txt" 2>&1 &
LOADS+=($!)
( while [ "$(date +%s)" -lt "$END" ]; do
      "$TOOLS/mjpeg-load" --clients 20 --duration 1 --ramp-ms 200 --quiet "$URL/stream" 2>&1 | tail -1 || true
  done > "$OUT/churn.txt" ) &
LOADS+=($!)
( while [ "$(date +%s)" -lt "$END" ]; do
      curl -s -o /dev/null --max-time 10 -w '%{http_code}\n' "$URL/snapshot" || echo 000
      sleep 0.05
  done > "$OUT/snapshot-codes.txt" ) &
LOADS+=($!)
( while sleep 30 && [ "$(( $(date +%s) + 3 ))" -lt "$END" ]; do
      "$TOOLS/mjpeg-load" --clients "$MAX_CLIENTS" --duration 3 --quiet "$URL/stream" 2>&1 | tail -1 || true
  done > "$OUT/over-cap.txt" ) &
LOADS+=($!)
if [ "$KILL_SECONDS" -gt 0 ]; then
    ( while sleep "$KILL_SECONDS" && [ "$(date +%s)" -lt "$END" ]; do
          pid=$(curl -s --max-time 5 "$URL/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["camera"]["pid"] or "")' || true)
          [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && echo "$(( $(date +%s) - START )) killed camera pid $pid"
      done > "$OUT/camera-kills.txt" ) &
    LOADS+=($!)
fi

# A sample every SAMPLE_SECONDS from the start, however long one takes (jcmd is slow on a busy machine).
NEXT=$(( START + SAMPLE_SECONDS ))
while [ "$NEXT" -le "$END" ]; do
    sleep $(( NEXT - $(date +%s) > 0 ? NEXT - $(date +%s) : 0 ))
    sample "$(( $(date +%s) - START ))" >> "$CSV"
    if [ -z "${BASELINED:-}" ] && [ "$(( $(date +%s) - START ))" -ge "$WARMUP_SECONDS" ]; then
        jcmd "$SERVER" VM.native_memory baseline > /dev/null 2>&1 || true # what grows after the warm-up, by category
        BASELINED=1
    fi
    while [ "$NEXT" -le "$(date +%s)" ]; do NEXT=$(( NEXT + SAMPLE_SECONDS )); done # a slow sample skips a slot
done
jcmd "$SERVER" VM.native_memory summary.diff > "$OUT/nmt-diff.txt" 2>&1 || true
for pid in "${LOADS[@]}"; do wait "$pid" || true; done
LOADS=()
# Jetty keeps idle pool threads for 60 s: the quiet sample comes after that.
sleep 70
sample -2 > "$OUT/quiet-after.csv"
curl -s "$URL/stats" > "$OUT/stats-end.json"
echo "uptime at end: $(uptime)" >> "$OUT/machine.txt"

python3 - "$OUT" "$WARMUP_SECONDS" "$SOAK_SECONDS" <<'PY' | tee "$OUT/summary.md"
import csv, json, re, statistics, sys
out, warmup, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.DictReader(open(f'{out}/soak.csv')))
names = open(f'{out}/soak.csv').readline().strip().split(',')
before = dict(zip(names, open(f'{out}/quiet-before.csv').read().strip().split(',')))
after = dict(zip(names, open(f'{out}/quiet-after.csv').read().strip().split(',')))
ok = True
print(open(f'{out}/machine.txt').read().strip().replace('\n', '  \n'))
print()
print(f'{seconds} s of load, {len(rows)} samples; flat = slope x span after the first {warmup} s below max(10% of median, floor)')
print()
print('| metric | first | last | min | max | slope /min | growth over span | tolerance | quiet before -> 70 s after | flat |')
print('|---|---|---|---|---|---|---|---|---|---|')
floors = {'rss_kb': 8192, 'rss_anon_kb': 8192, 'rss_file_kb': 8192, 'heap_after_gc_kb': 2048, 'metaspace_kb': 2048, 'nmt_committed_kb': 8192,
          'direct_other_kb': 2048, 'threads': 8, 'fds': 16}
for m, floor in floors.items():
    pts = [(int(r['t_s']), int(r[m])) for r in rows if int(r[m]) >= 0]
    late = [p for p in pts if p[0] >= warmup]
    if len(late) < 3:
        print(f'| {m} | too few samples | | | | | | | | no |')
        ok = False
        continue
    ts, vs = [p[0] for p in late], [p[1] for p in late]
    mt, mv = statistics.fmean(ts), statistics.fmean(vs)
    slope = sum((t - mt) * (v - mv) for t, v in late) / sum((t - mt) ** 2 for t in ts)
    growth = slope * (ts[-1] - ts[0])
    tol = max(0.10 * statistics.median(vs), floor)
    flat = growth <= tol
    ok &= flat
    values = [p[1] for p in pts]
    print(f'| {m} | {values[0]} | {values[-1]} | {min(values)} | {max(values)} | {slope * 60:.1f} | {growth:.0f} | {tol:.0f} '
          f'| {before[m]} -> {after[m]} | {"yes" if flat else "NO"} |')
print()

viewer = list(csv.DictReader(open(f'{out}/viewer.csv')))
full = [w for w in viewer if 10 < int(w['t_s']) <= seconds]
least = min(int(w['frames']) for w in full) if full else 0
tot = {k: sum(int(w[k]) for w in viewer) for k in viewer[0] if k != 't_s'} if viewer else {}
vok = bool(full) and least >= 20 and tot['bad_jdk'] == 0 and tot['bad_djpeg'] == 0 and tot['bad_snapshots'] == 0 and tot['reconnects'] == 0
ok &= vok
print(f'SoakViewer: {tot.get("frames")} parts in {len(viewer)} windows of 10 s, fewest in a window after the first {least}; '
      f'undecodable: {tot.get("bad_jdk")} (JDK, every part), {tot.get("bad_djpeg")} of {tot.get("djpeg_checked")} (djpeg); '
      f'snapshots {tot.get("snapshots")} (not 200: {tot.get("unavailable_snapshots")}), undecodable {tot.get("bad_snapshots")}; streams lost {tot.get("reconnects")}; '
      f'placeholder parts {tot.get("placeholders")} -> {"ok" if vok else "FAILED"}')

steady = open(f'{out}/steady.txt').read()
summ = steady.strip().splitlines()[-1] if steady.strip() else ''
def field(line, name):
    m = re.search(rf'\b{name}=([\d.]+)', line)
    return float(m.group(1)) if m else -1
fps = re.search(r'fps min/median/max = ([\d.]+)/([\d.]+)/([\d.]+)', steady)
sok = field(summ, 'ok') == 4 and field(summ, 'corrupt') == 0 and field(summ, 'disconnects') == 0 and fps and float(fps.group(1)) >= 2
ok &= bool(sok)
print(f'steady mjpeg-load viewers: {summ}; fps min/median/max {fps.groups() if fps else "?"} -> {"ok" if sok else "FAILED"}')

def sums(path):
    t = {'rounds': 0, 'ok': 0, 'failed': 0, 'frames': 0, 'corrupt': 0}
    for line in open(path):
        if line.startswith('SUMMARY'):
            t['rounds'] += 1
            for k in ('ok', 'failed', 'frames', 'corrupt'):
                t[k] += int(field(line, k))
    return t
churn, cap = sums(f'{out}/churn.txt'), sums(f'{out}/over-cap.txt')
codes = {}
for c in open(f'{out}/snapshot-codes.txt'):
    codes[c.strip()] = codes.get(c.strip(), 0) + 1
cok = churn['corrupt'] == 0 and cap['corrupt'] == 0 and churn['ok'] > 0
ok &= cok
print(f'churn: {churn["rounds"]} rounds, {churn["ok"]} streams ok, {churn["failed"]} refused or failed, {churn["frames"]} parts, '
      f'{churn["corrupt"]} corrupt; over the cap: {cap["rounds"]} bursts, {cap["ok"]} ok, {cap["failed"]} refused; '
      f'/snapshot codes {codes} -> {"ok" if cok else "FAILED"}')

stats = json.load(open(f'{out}/stats-end.json'))
dropped = stats['camera']['framesDropped']
dok = sum(dropped.values()) > 0
ok &= dok
kills = sum(1 for _ in open(f'{out}/camera-kills.txt')) if __import__('os').path.exists(f'{out}/camera-kills.txt') else 0
print(f'camera: {stats["camera"]["framesIn"]} frames in, {kills} kills, {stats["camera"]["restarts"]} restarts, '
      f'dropped by reason {dropped}; clients accepted '
      f'{stats["clients"]["accepted"]}, refused {stats["clients"]["rejectedByReason"]} -> {"ok" if dok else "FAILED"}')
logs = [int(r['log_lines']) for r in rows]
print(f'server log: {logs[0] if logs else 0} -> {logs[-1] if logs else 0} lines over the load ({after["log_lines"]} at the end)')
print()
print('RESULT: ' + ('flat and clean' if ok else 'NOT flat or not clean (see above)'))
sys.exit(0 if ok else 1)
PY
