#!/usr/bin/env bash
# Builds mjpg-streamer (the C classic pi-stream is compared with) for bench/run.sh's MJPG_STREAMER=,
# from a source copy you already have: nothing is downloaded, and its source never enters this repo.
#
#   bench/mjpg-streamer.sh SRC [DEST]       (DEST default /tmp/mjpg-streamer)
#
# SRC is either the mjpg-streamer-experimental folder of jacksonliam/mjpg-streamer, or a git
# directory of that repository (a clone, or a bare mirror), from which HEAD's
# mjpg-streamer-experimental is taken with `git archive`. DEST then holds mjpg_streamer,
# input_file.so and output_http.so (the only plugins the benchmark uses; the others are switched
# off, so the build needs only cmake and a C compiler, Debian `cmake build-essential`: neither
# plugin links libjpeg, they pass frames through), plus SOURCE.txt saying which source was built
# and how.
#
# Then: MJPG_STREAMER=/tmp/mjpg-streamer bench/run.sh matrix
set -euo pipefail
SRC=${1:?usage: bench/mjpg-streamer.sh SRC [DEST]}
DEST=${2:-/tmp/mjpg-streamer}
BUILD_TYPE=${BUILD_TYPE:-Release}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
describe="$SRC (source folder)"
if [ -f "$SRC/mjpg_streamer.c" ]; then
    cp -r "$SRC" "$tmp/src"
elif git --git-dir="$SRC" rev-parse -q --verify HEAD >/dev/null 2>&1 \
        || git -C "$SRC" rev-parse -q --verify HEAD >/dev/null 2>&1; then
    gitdir=$SRC
    [ -d "$SRC/.git" ] && gitdir=$SRC/.git
    mkdir -p "$tmp/src"
    git --git-dir="$gitdir" archive HEAD mjpg-streamer-experimental | tar -x -C "$tmp/src" --strip-components=1
    describe="$(git --git-dir="$gitdir" rev-parse HEAD) ($(git --git-dir="$gitdir" describe --tags --always 2>/dev/null), $(git --git-dir="$gitdir" log -1 --format=%cs HEAD)) of $SRC"
else
    echo "$SRC: neither an mjpg-streamer-experimental folder nor a git directory of mjpg-streamer" >&2
    exit 2
fi

# Every plugin but the two the benchmark runs off: their dependencies (OpenCV, libcamera's
# predecessors, V4L2 headers, ZeroMQ, SDL) are not needed for the comparison.
off=""
for p in INPUT_HTTP INPUT_OPENCV INPUT_PTP2 INPUT_RASPICAM INPUT_UVC \
         OUTPUT_FILE OUTPUT_RTSP OUTPUT_UDP OUTPUT_VIEWER OUTPUT_ZMQSERVER; do
    off="$off -DPLUGIN_$p=OFF"
done
# The source's own build: CMake, its default Release flags (-O3 -DNDEBUG), no flags of ours.
# shellcheck disable=SC2086
cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
    -DPLUGIN_INPUT_FILE=ON -DPLUGIN_OUTPUT_HTTP=ON $off >"$tmp/cmake.log" \
    || { cat "$tmp/cmake.log" >&2; exit 1; }
make -C "$tmp/build" -s -j"$(nproc)"

mkdir -p "$DEST"
cp "$tmp/build/mjpg_streamer" "$tmp/build/plugins/input_file/input_file.so" \
   "$tmp/build/plugins/output_http/output_http.so" "$DEST/"
{
    echo "source: $describe"
    echo "built: $(date -u +%FT%TZ), CMAKE_BUILD_TYPE=$BUILD_TYPE, plugins input_file + output_http only"
    echo "compiler: $(cc --version | head -1)"
} > "$DEST/SOURCE.txt"
cat "$DEST/SOURCE.txt"
ls -l "$DEST"
