#!/usr/bin/env bash
# Frames for VerifierBenchmark: 30 per size at 640x480, 1280x720 and 1920x1080, from two sources.
#   rpicam    the real rpicam-vid (../shared/camera: the libcamera virtual camera, scrolling colour bars)
#             at --quality 85: real encoder, real headers, but far easier content than a real scene
#   testsrc2  ffmpeg's testsrc2 with temporal noise (sensor-like), -q:v 3: larger frames, the heavy case
#   feeder    the frames bench/run.sh streams (../shared/bench/make-frames.sh, ~137 KB at 1080p)
#
#   bench/verify-frames.sh [DIR]      default DIR: /tmp/pistream-bench/verify-frames
#   RPICAM_VID=/path/to/rpicam-vid    default: rpicam-vid on PATH, else ../shared/camera/bin/rpicam-vid
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/tmp/pistream-bench/verify-frames}
RPICAM_VID=${RPICAM_VID:-$(command -v rpicam-vid || echo "$ROOT/../shared/camera/bin/rpicam-vid")}
MAKE_FRAMES=${MAKE_FRAMES:-$ROOT/../shared/bench/make-frames.sh}
N=30

# Cuts an MJPEG stream (file $1) into $N frames $2/000.jpg ... (FFD8 .. FFD9; encoders here never
# write EXIF thumbnails), skipping the first 5 frames.
cut_frames() {
    python3 - "$1" "$2" "$N" <<'PY'
import os, sys
data, out, n = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3])
os.makedirs(out, exist_ok=True)
i = k = 0
while k < n + 5:
    a = data.find(b"\xff\xd8", i)
    b = data.find(b"\xff\xd9", a)
    if a < 0 or b < 0:
        sys.exit(f"only {k} frames in {sys.argv[1]}")
    if k >= 5:
        open(f"{out}/{k - 5:03d}.jpg", "wb").write(data[a:b + 2])
    i, k = b + 2, k + 1
PY
}

mkdir -p "$DIR"
for size in 640x480 1280x720 1920x1080; do
    w=${size%x*} h=${size#*x}
    if [ ! -d "$DIR/rpicam-$size" ]; then
        "$RPICAM_VID" -t 0 --frames $((N + 5)) --codec mjpeg --quality 85 --framerate 30 --width "$w" --height "$h" \
            -n -o "$DIR/rpicam-$size.mjpeg" 2>/dev/null
        cut_frames "$DIR/rpicam-$size.mjpeg" "$DIR/rpicam-$size" && rm "$DIR/rpicam-$size.mjpeg"
    fi
    if [ ! -d "$DIR/testsrc2-$size" ]; then
        ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=$size:rate=30" -frames:v $((N + 5)) \
            -vf noise=alls=6:allf=t -c:v mjpeg -q:v 3 -f mjpeg -y "$DIR/testsrc2-$size.mjpeg"
        cut_frames "$DIR/testsrc2-$size.mjpeg" "$DIR/testsrc2-$size" && rm "$DIR/testsrc2-$size.mjpeg"
    fi
    if [ ! -d "$DIR/feeder-$size" ]; then
        "$MAKE_FRAMES" "$DIR/feeder-$size" "$size" "$N" >/dev/null
    fi
    for src in rpicam testsrc2 feeder; do
        echo "$src-$size: $(ls "$DIR/$src-$size" | wc -l) frames, $(( $(cat "$DIR/$src-$size"/*.jpg | wc -c) / N / 1024 )) KiB average"
    done
done
