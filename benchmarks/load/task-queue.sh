#!/usr/bin/env bash
# Submit no-op tasks and run them: the starter's Redis task queue on a private redis-server,
# db-scheduler on a private PostgreSQL (started by the benchmark, server defaults), and the
# starter's memory queue as the ceiling of one JVM. See TaskQueueLoad's javadoc for what is
# measured. Writes the tables to benchmarks/load/results/task-queue-<time>.md. Needs
# redis-server, and PostgreSQL's initdb, postgres and pg_ctl, on the PATH (as root, the
# benchmark runs PostgreSQL as the postgres user).
#
#   mvn -pl benchmarks -am package -DskipTests
#   benchmarks/load/task-queue.sh [seconds per measurement, default 15] [runs, default 3]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-15}
runs=${2:-3}
out="$root/benchmarks/load/results/task-queue-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p "$(dirname "$out")"
{
  echo "# Task queue load, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "$(nproc) cores, $(java -version 2>&1 | head -n 1), redis $(redis-server --version | cut -d' ' -f3)," \
    "$(postgres --version), $seconds s per measurement"
} > "$out"
for run in $(seq 1 "$runs"); do
  echo >> "$out"
  echo "## Run $run" >> "$out"
  # The tables go to stdout, the progress to stderr.
  java -cp "$root/benchmarks/target/benchmarks.jar" dev.scalability.benchmarks.TaskQueueLoad "$seconds" >> "$out"
done
cat "$out"
