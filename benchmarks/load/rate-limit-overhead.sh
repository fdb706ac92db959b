#!/usr/bin/env bash
# End-to-end cost of the rate-limit filter and of the request queue: wrk against the sample's
# GET /api/hello with a rule that covers it but never refuses, or with the queue in front and
# a limit above wrk's connections (so that nothing waits), next to the same app with the
# starter switched off. Four runs of one packaged jar, one after the other, on this machine:
#   off     scalability.enabled=false
#   memory  the rule on the memory backend (the queue off)
#   redis   the rule on the Redis backend, a private redis-server on a free port (the queue
#           off), default settings: its one hot key decides from permits leased out of Redis
#   exact   the same with leases off: one Redis call per decision
#   queue   the request queue, limit 256 (no rate-limit rule covers /api/hello)
# Prints requests/s of each and the ratios to "off". Needs wrk and redis-server on the PATH.
#
#   mvn -pl sample-app -am package -DskipTests
#   benchmarks/load/rate-limit-overhead.sh [duration, default 20s] [connections, default 50] [warm-up, default 40s]
#
# The warm-up matters: on two cores the JIT compilers need tens of seconds under load
# before the code is compiled, and a short warm-up measures the compiler, not the app.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
jar=$(ls "$root"/sample-app/target/sample-app-*.jar | grep -v original | head -n 1)
duration=${1:-20s}
connections=${2:-50}
warmup=${3:-40s}
work=$(mktemp -d)
app_pid=""
redis_pid=""

cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# One rule over /api/hello that never refuses a single client at wrk's rate.
rule=(--scalability.rate-limit.rules[0].name=hello --scalability.rate-limit.rules[0].paths=/api/hello
  --scalability.rate-limit.rules[0].limit=1000000 --scalability.rate-limit.rules[0].window=1s)

run() {
  local name=$1; shift
  local port
  port=$(free_port)
  java -Xms512m -Xmx512m -jar "$jar" --server.port="$port" --logging.level.root=WARN \
    --management.health.redis.enabled=false "$@" > "$work/$name.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/api/hello" > /dev/null 2>&1 && break
    sleep 0.5
  done
  # Warm the JIT, then measure.
  wrk -t2 -c"$connections" -d"$warmup" "http://127.0.0.1:$port/api/hello" > /dev/null
  wrk -t2 -c"$connections" -d"$duration" "http://127.0.0.1:$port/api/hello" > "$work/$name.wrk"
  local refused
  refused=$(curl -fs "http://127.0.0.1:$port/actuator/prometheus" \
    | grep -E '^scalability_ratelimit_decisions_total\{outcome="(rejected|fallback|error)"' \
    | awk '{ s += $2 } END { print s + 0 }' || echo 0)
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
  local rps
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/$name.wrk")
  echo "$name $rps $refused"
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 &
redis_pid=$!

off=$(run off --scalability.enabled=false)
memory=$(run memory "${rule[@]}" --scalability.request-queue.enabled=false)
redis=$(run redis "${rule[@]}" --scalability.request-queue.enabled=false --scalability.backend=redis \
  --spring.data.redis.port="$redis_port" --spring.data.redis.timeout=500ms)
exact=$(run exact "${rule[@]}" --scalability.request-queue.enabled=false --scalability.backend=redis \
  --spring.data.redis.port="$redis_port" --spring.data.redis.timeout=500ms --scalability.rate-limit.leases=off)
# The rate limiter stays on (the sample's task queue and payments policy count on it), with
# no rule covering /api/hello.
queue=$(run queue --scalability.request-queue.max-concurrent=256)

printf '%-8s %12s %10s %s\n' run "requests/s" ratio "refused-or-fallback"
for line in "$off" "$memory" "$redis" "$exact" "$queue"; do
  set -- $line
  ratio=$(awk -v a="$2" -v b="$(echo "$off" | cut -d' ' -f2)" 'BEGIN { printf "%.2f", a / b }')
  printf '%-8s %12s %10s %s\n' "$1" "$2" "$ratio" "$3"
done
