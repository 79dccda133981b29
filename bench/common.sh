# Shared set-up for the benchmark scripts: builds the reference instruments from ../shared/bench
# into a work folder, makes the test frames once, and builds the WAR (BUILD=0: use the one there is).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
WORK=${WORK:-/tmp/pistream-bench}
TOOLS=$WORK/tools
FRAMES=${FRAMES:-$WORK/frames-640}
WAR=$ROOT/target/pi-stream.war

bench_setup() {
    mkdir -p "$WORK"
    if [ ! -x "$TOOLS/mjpeg-load" ]; then
        rm -rf "$TOOLS" && cp -r "$SHARED" "$TOOLS" && make -C "$TOOLS" -s
    fi
    if [ ! -d "$FRAMES" ]; then
        "$TOOLS/make-frames.sh" "$FRAMES" 640x480 60 >/dev/null
    fi
    if [ "${BUILD:-1}" != 0 ]; then
        (cd "$ROOT" && mvn -B -q package -DskipTests)
    fi
}

# Prints "threads fds rss_kb" of a process.
proc_sample() {
    local pid=$1
    echo "$(awk '/^Threads:/{print $2}' /proc/$pid/status) $(ls /proc/$pid/fd | wc -l) $(awk '/^VmRSS:/{print $2}' /proc/$pid/status)"
}

# Waits until a URL answers.
wait_http() {
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.2
    done
    echo "no answer from $1" >&2
    return 1
}

# The installed launcher as it would run from a WAR and options file of ours, with a cache folder of
# its own (CACHE_DIRECTORY, as systemd gives the service); prints its folder. SCRIPT: the launcher
# script to copy (default packaging/bin/pi-stream).
launcher_copy() {
    local war dir script=${2:-$ROOT/packaging/bin/pi-stream}
    war=$(readlink -f "$1")
    dir=$WORK/launcher-$(echo "$war $OPTIONS $script" | cksum | cut -d' ' -f1)
    if [ ! -x "$dir/pi-stream" ]; then
        mkdir -p "$dir/cache"
        cp "$OPTIONS" "$dir/jvm.options"
        sed -e "s|^WAR=.*|WAR=$war|" -e "s|^OPTIONS=.*|OPTIONS=$dir/jvm.options|" "$script" >"$dir/pi-stream"
        chmod +x "$dir/pi-stream"
    fi
    echo "$dir"
}

# The launcher script of variant NAME: its own from LAUNCHER_SCRIPTS="NAME=SCRIPT ...", else
# packaging/bin/pi-stream (e.g. an older one to compare: git show REV:packaging/bin/pi-stream >/tmp/old).
launcher_script() {
    local pair
    for pair in ${LAUNCHER_SCRIPTS:-}; do
        if [ "${pair%%=*}" = "$1" ]; then
            echo "${pair#*=}"
            return
        fi
    done
    echo "$ROOT/packaging/bin/pi-stream"
}
