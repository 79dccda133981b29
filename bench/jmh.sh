#!/usr/bin/env bash
# JMH micro-benchmarks of the core (splitter throughput, fan-out cost and allocation per frame).
#
#   bench/jmh.sh                         all benchmarks, with the GC profiler
#   bench/jmh.sh SplitterBenchmark       one class (any JMH arguments work)
#   FRAMES=/tmp/pistream-bench/frames-640 bench/jmh.sh SplitterBenchmark   split the shared bench's frames
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/jmh.classpath)"
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(-prof gc)
if [ -n "${FRAMES:-}" ]; then
    ARGS+=(-jvmArgsAppend "-Dframes=$FRAMES")
fi
exec java -cp "$CP" org.openjdk.jmh.Main "${ARGS[@]}"
