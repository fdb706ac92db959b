#!/usr/bin/env bash
# Publish and consume through one topic with two listener groups, on a private redis-server:
# the starter's Redis bus (publish, and publishAsync), a bare Spring Data Redis
# StreamMessageListenerContainer doing the same work, and the memory bus as the ceiling of one
# JVM. See EventBusLoad's javadoc for what is measured. Writes the tables to
# benchmarks/load/results/event-bus-<time>.md. Needs redis-server on the PATH.
#
#   mvn -pl benchmarks -am package -DskipTests
#   benchmarks/load/event-bus.sh [seconds per measurement, default 15] [runs, default 3]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-15}
runs=${2:-3}
out="$root/benchmarks/load/results/event-bus-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p "$(dirname "$out")"
{
  echo "# Event bus load, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "$(nproc) cores, $(java -version 2>&1 | head -n 1), $(redis-server --version | cut -d' ' -f3), $seconds s per measurement"
} > "$out"
for run in $(seq 1 "$runs"); do
  echo >> "$out"
  echo "## Run $run" >> "$out"
  # The tables go to stdout, the progress to stderr.
  java -cp "$root/benchmarks/target/benchmarks.jar" dev.scalability.benchmarks.EventBusLoad "$seconds" >> "$out"
done
cat "$out"
