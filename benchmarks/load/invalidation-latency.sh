#!/usr/bin/env bash
# How soon another instance drops its copy of a cache entry that one instance wrote, by the
# way the news travels, on a private redis-server: the starter's pub/sub script (bare, and
# through the starter's own classes), Lettuce's ClientSideCaching (RESP3 tracking), and
# CLIENT TRACKING in broadcast mode redirected to a RESP2 pub/sub connection. See
# InvalidationLatencyLoad's javadoc for what is measured. Writes the tables to
# benchmarks/load/results/invalidation-latency-<time>.md. Needs redis-server on the PATH.
#
#   mvn -pl benchmarks -am package -DskipTests
#   benchmarks/load/invalidation-latency.sh [runs, default 3] [writes per run, default 2000]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
writes=${2:-2000}
out="$root/benchmarks/load/results/invalidation-latency-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p "$(dirname "$out")"
{
  echo "# Cache invalidation latency, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "$(nproc) cores, $(java -version 2>&1 | head -n 1), redis-server $(redis-server --version | cut -d' ' -f3), Lettuce $(unzip -p "$root/benchmarks/target/benchmarks.jar" META-INF/maven/io.lettuce/lettuce-core/pom.properties | sed -n 's/^version=//p'), $runs runs of $writes writes"
} > "$out"
# The tables go to stdout, the progress to stderr.
java -cp "$root/benchmarks/target/benchmarks.jar" dev.scalability.benchmarks.InvalidationLatencyLoad "$runs" "$writes" >> "$out"
cat "$out"
