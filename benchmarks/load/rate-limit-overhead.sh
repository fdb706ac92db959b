#!/usr/bin/env bash
# End-to-end cost of the rate-limit filter and of the request queue: wrk against the sample's
# GET /api/hello with a rule that covers it but never refuses, or with the queue in front and
# a limit above wrk's connections (so that nothing waits), next to the same app with the
# starter switched off. Five instances of one packaged jar, each warmed up alone, then
# measured in turn, round after round, the others frozen (SIGSTOP) meanwhile:
#   off     scalability.enabled=false
#   memory  the rule on the memory backend (the queue off)
#   redis   the rule on the Redis backend, a private redis-server on a free port (the queue
#           off), default settings: its one hot key decides from permits leased out of Redis
#   exact   the same with leases off: one Redis call per decision
#   queue   the request queue, limit 256 (no rate-limit rule covers /api/hello)
# Prints the median requests/s of each, and the median of its ratios to "off" in the same
# round; and the application's CPU time per request (all its threads, from /proc), the
# steadier figure on a shared machine, with the median of "off"'s CPU per request over
# its own in the same round. Needs wrk and redis-server on the PATH, and Linux.
#
#   mvn -pl sample-app -am package -DskipTests
#   benchmarks/load/rate-limit-overhead.sh [duration of a round, default 10s] [connections, default 50]
#     [warm-up, default 40s] [rounds, default 5]
#
# The warm-up matters: on two cores the JIT compilers need tens of seconds under load
# before the code is compiled, and a short warm-up measures the compiler, not the app.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
jar=$(ls "$root"/sample-app/target/sample-app-*.jar | grep -v original | head -n 1)
duration=${1:-10s}
connections=${2:-50}
warmup=${3:-40s}
rounds=${4:-5}
work=$(mktemp -d)
redis_pid=""

cleanup() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null || true
  done
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

start() {
  local name=$1; shift
  local port
  port=$(free_port)
  java -Xms512m -Xmx512m -jar "$jar" --server.port="$port" --logging.level.root=WARN \
    --management.health.redis.enabled=false "$@" > "$work/$name.log" 2>&1 &
  pids[$name]=$!
  ports[$name]=$port
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/api/hello" > /dev/null 2>&1 && break
    sleep 0.5
  done
  # Warm the JIT alone on the machine, then freeze until its turn.
  wrk -t2 -c"$connections" -d"$warmup" "http://127.0.0.1:$port/api/hello" > /dev/null
  kill -STOP "${pids[$name]}"
}

cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

measure() {
  local name=$1 round=$2 before after
  kill -CONT "${pids[$name]}"
  sleep 1
  before=$(cpu_ticks "${pids[$name]}")
  wrk -t2 -c"$connections" -d"$duration" "http://127.0.0.1:${ports[$name]}/api/hello" > "$work/$name.$round.wrk"
  after=$(cpu_ticks "${pids[$name]}")
  kill -STOP "${pids[$name]}"
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    '/requests in/ { n = $1 } /Requests\/sec/ { r = $2 } END { printf "%s %.2f\n", r, ticks * 1e6 / hz / n }' \
    "$work/$name.$round.wrk"
}

refused() {
  local name=$1
  kill -CONT "${pids[$name]}"
  curl -fs "http://127.0.0.1:${ports[$name]}/actuator/prometheus" > "$work/$name.prom" || true
  { grep -E '^scalability_ratelimit_decisions_total\{outcome="(rejected|fallback|error)"' "$work/$name.prom" || true; } \
    | awk '{ s += $2 } END { print s + 0 }'
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 &
redis_pid=$!

declare -A pids ports
names=(off memory redis exact queue)
start off --scalability.enabled=false
start memory "${rule[@]}" --scalability.request-queue.enabled=false
start redis "${rule[@]}" --scalability.request-queue.enabled=false --scalability.backend=redis \
  --spring.data.redis.port="$redis_port" --spring.data.redis.timeout=500ms
start exact "${rule[@]}" --scalability.request-queue.enabled=false --scalability.backend=redis \
  --spring.data.redis.port="$redis_port" --spring.data.redis.timeout=500ms --scalability.rate-limit.leases=off
# The rate limiter stays on (the sample's task queue and payments policy count on it), with
# no rule covering /api/hello.
start queue --scalability.request-queue.max-concurrent=256

# Rounds: each configuration in turn, the others frozen, so that what the machine does
# meanwhile (other tenants, thermal limits) weighs on all of them alike; each round's
# ratios are to that round's baseline.
declare -A results cpu
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    read -r rps us < <(measure "$name" "$round")
    results[$name.$round]=$rps
    cpu[$name.$round]=$us
  done
done

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

printf '%-8s %14s %14s %s\n' run "requests/s" "ratio (median)" "requests/s by round; ratios by round; refused-or-fallback"
for name in "${names[@]}"; do
  rps=$(for round in $(seq 1 "$rounds"); do echo "${results[$name.$round]}"; done | median)
  ratios=$(for round in $(seq 1 "$rounds"); do
    awk -v a="${results[$name.$round]}" -v b="${results[off.$round]}" 'BEGIN { printf "%.2f\n", a / b }'
  done)
  all=$(for round in $(seq 1 "$rounds"); do echo "${results[$name.$round]}"; done)
  printf '%-8s %14s %14s %s; %s; %s\n' "$name" "$rps" "$(echo "$ratios" | median)" "$(echo $all)" "$(echo $ratios)" \
    "$(refused "$name")"
done
echo
printf '%-8s %16s %22s %s\n' run "CPU us/request" "off's CPU / its (median)" "by round"
for name in "${names[@]}"; do
  us=$(for round in $(seq 1 "$rounds"); do echo "${cpu[$name.$round]}"; done | median)
  ratios=$(for round in $(seq 1 "$rounds"); do
    awk -v a="${cpu[off.$round]}" -v b="${cpu[$name.$round]}" 'BEGIN { printf "%.2f\n", a / b }'
  done)
  printf '%-8s %16s %22s %s; %s\n' "$name" "$us" "$(echo "$ratios" | median)" \
    "$(for round in $(seq 1 "$rounds"); do echo "${cpu[$name.$round]}"; done | tr '\n' ' ')" "$(echo $ratios)"
done
