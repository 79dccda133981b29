#!/usr/bin/env bash
# JMH micro-benchmarks of the core (splitter throughput, fan-out cost and allocation per frame).
#
#   bench/jmh.sh                         all benchmarks, with the GC profiler
#   bench/jmh.sh SplitterBenchmark       one class (any JMH arguments work)
#   FRAMES=/tmp/pistream-bench/frames-640 bench/jmh.sh SplitterBenchmark   split the shared bench's frames
#   PI_OPTIONS=1 bench/jmh.sh VerifierBenchmark   forks run with etc/jvm-pi.options (C1 only, serial GC),
#                                                 as the package runs pi-stream
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/jmh.classpath)"
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(-prof gc)
APPEND=""
if [ -n "${FRAMES:-}" ]; then
    APPEND="-Dframes=$FRAMES"
fi
if [ -n "${PI_OPTIONS:-}" ]; then
    APPEND="$APPEND $(grep -v '^#' etc/jvm-pi.options | tr '\n' ' ')"
fi
if [ -n "$APPEND" ]; then
    ARGS+=(-jvmArgsAppend "$APPEND")
fi
exec java -cp "$CP" org.openjdk.jmh.Main "${ARGS[@]}"
