#!/usr/bin/env bash
# Two fresh instances that join one healthy Redis under full load: do they keep a shared
# limit, or do they fall back to their local limiters while they are cold?
#
# Starts a private redis-server on a free port, then TWO instances of the packaged sample
# at the same moment, each with one rule that every request of wrk shares (all come from
# 127.0.0.1, so they count against one key):
#   flood: GET /api/hello, 2000 an hour per client (token bucket, the default algorithm)
# Each instance is flooded by its own wrk the moment its port answers a first request, with
# no warm-up at all: the cold start is the point. Both wrk's run in parallel.
# Prints, per instance and in total, the admitted requests (2xx seen by wrk), the 429s,
# the server's own decision counters (scalability_ratelimit_decisions_total{rule="flood"}:
# allowed, rejected, fallback, error) and whether the admitted total kept the shared
# limit. Needs wrk, redis-server, redis-cli, curl and python3 on the PATH.
#
#   mvn -pl sample-app -am package -DskipTests
#   benchmarks/load/cold-start-flood.sh [jar] [duration, default 20s] [connections per instance, default 100]
#
# FLOOD_ALGORITHM=fixed-window floods a fixed window of 2000 an hour instead, whose hot key
# decides from permits leased out of Redis (leases: auto, the default).
#
# FLOOD_LOG_DIR=dir keeps the two app logs, Redis' log, wrk's outputs and the scraped
# Prometheus pages in dir. FLOOD_JAVA_OPTS adds JVM options and FLOOD_APP_ARGS application
# arguments to both instances (for experiments, such as a longer Redis timeout).
#
# The limit is a token bucket of 2000 that refills 2000 an hour: over a 20 s run it may
# admit about 11 more than 2000, which the check allows (the refill from the first wrk's
# start to the last one's end, rounded up, plus 1 for the rounding of each instance).
# Rules: --scalability.rate-limit.rules[0].* on the command line replaces the sample's
# whole list of rules (Spring Boot binds a list from one property source only), so the
# flood rule is the only one and nothing of the sample's first rule (POST only) is merged in.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
jar=${1:-}
if [ -z "$jar" ]; then
  jar=$(ls "$root"/sample-app/target/sample-app-*.jar | grep -v original | head -n 1)
fi
duration=${2:-20s}
connections=${3:-100}
limit=2000
window_seconds=3600
log_dir=${FLOOD_LOG_DIR:-}
read -r -a java_opts <<< "${FLOOD_JAVA_OPTS:-}"
read -r -a app_args <<< "${FLOOD_APP_ARGS:-}"
work=$(mktemp -d)
redis_pid=""

for tool in wrk redis-server redis-cli curl python3 java; do
  command -v "$tool" > /dev/null || { echo "$tool is not on the PATH" >&2; exit 1; }
done
[ -f "$jar" ] || { echo "no jar at $jar" >&2; exit 1; }

cleanup() {
  local pid f
  # The apps first, then Redis: an app that loses Redis while it stops only logs noise.
  # The apps are not children of this shell: wait for them to be gone (graceful shutdown
  # is quick once wrk has stopped), so that a next run does not start beside them.
  for f in "$work"/*.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$work"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -n "$log_dir" ]; then
    mkdir -p "$log_dir"
    cp "$work"/*.log "$work"/*.wrk "$work"/*.prom "$work"/*.ready "$log_dir"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

seconds() {
  # wrk's duration syntax (20s, 1m, 1h, or plain seconds) in seconds.
  local d=$1
  case "$d" in
    *h) echo $(( ${d%h} * 3600 )) ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}

# Counts responses by status over all of wrk's threads: each thread keeps its own table,
# and done() (on the main state) collects them through the thread objects kept in setup().
cat > "$work/count.lua" <<'EOF'
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
  local e = summary.errors
  io.write(string.format("errors connect=%d read=%d write=%d timeout=%d status=%d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
end
EOF

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 100); do
  redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break
  sleep 0.05
done

rule=(--scalability.rate-limit.rules[0].name=flood --scalability.rate-limit.rules[0].paths=/api/hello
  --scalability.rate-limit.rules[0].limit="$limit" --scalability.rate-limit.rules[0].window=1h
  --scalability.rate-limit.rules[0].algorithm="${FLOOD_ALGORITHM:-token-bucket}")

# Starts one instance, waits for its port to answer (any HTTP answer, polled every 20 ms,
# on a path the rule does not cover), then floods it. Runs in the background.
flood() {
  local name=$1 port=$2
  java -Xms512m -Xmx512m ${java_opts[@]+"${java_opts[@]}"} -jar "$jar" --server.port="$port" \
    --spring.profiles.active=redis --spring.data.redis.port="$redis_port" --logging.level.root=WARN \
    --management.health.redis.enabled=false --scalability.request-queue.enabled=false \
    "${rule[@]}" ${app_args[@]+"${app_args[@]}"} \
    > "$work/$name.log" 2>&1 &
  local app=$!
  echo "$app" > "$work/$name.pid"
  local start
  start=$(date +%s.%N)
  while ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/actuator/health/liveness"; do
    if ! kill -0 "$app" 2>/dev/null; then
      echo "$name exited before its port answered; see its log" >&2
      echo "failed" > "$work/$name.ready"
      return 1
    fi
    sleep 0.02
  done
  # Seconds from launch to the first answer, and the wall clock then (to read the log by).
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", e - s }' > "$work/$name.ready"
  date -u +%H:%M:%S.%3N >> "$work/$name.ready"
  date +%s.%N >> "$work/$name.ready"
  wrk -t2 -c"$connections" -d"$duration" --timeout 10s -s "$work/count.lua" \
    "http://127.0.0.1:$port/api/hello" > "$work/$name.wrk" 2>&1
}

ports=("$(free_port)" "$(free_port)")
while [ "${ports[0]}" = "${ports[1]}" ]; do
  ports[1]=$(free_port)
done
flood a "${ports[0]}" &
flooders=($!)
flood b "${ports[1]}" &
flooders+=($!)
status=0
for f in "${flooders[@]}"; do
  wait "$f" || status=1
done
[ "$status" = 0 ] || { for name in a b; do echo "--- $name.log" >&2; tail -n 40 "$work/$name.log" >&2; done; exit 1; }

diagnose() {
  # What the instance saw of Redis: Lettuce's own timing of EVALSHA (from sending to the
  # answer, or to the cancel of a call that timed out; the max decays over minutes, so it
  # still holds the flood), the longest GC pause, and when the flood began.
  local name=$1
  awk -v name="$name" -v began="$(sed -n 2p "$work/$name.ready")" '
    /^lettuce_seconds_count\{/ && /db_operation="EVALSHA"/ { n += $NF; if ($0 !~ /error="none"/) failed += $NF }
    /^lettuce_seconds_sum\{/ && /db_operation="EVALSHA"/ { sum += $NF }
    /^lettuce_seconds_max\{/ && /db_operation="EVALSHA"/ { if ($NF > max) max = $NF }
    /^jvm_gc_pause_seconds_max\{/ { if ($NF > gc) gc = $NF }
    END { printf "%s: flood began %s UTC; lettuce EVALSHA %d (%d not answered in time: cancelled or failed), mean %.1f ms, max %.0f ms; longest GC pause %.0f ms\n",
      name, began, n, failed, (n ? sum / n * 1000 : 0), max * 1000, gc * 1000 }' "$work/$name.prom"
}

counter() {
  # One counter of the flood rule from a Prometheus page, 0 when absent.
  awk -v outcome="outcome=\"$2\"" '
    /^scalability_ratelimit_decisions_total\{/ && index($0, "rule=\"flood\"") && index($0, outcome) { s += $NF }
    END { printf "%d\n", s }' "$1"
}

status_count() {
  awk -v want="$2" '$1 == "status" && $2 ~ want { s += $3 } END { printf "%d\n", s }' "$1"
}

printf '%-9s %8s %9s %8s %8s %9s %9s %8s %6s %s\n' instance ready-s admitted 429s other \
  allowed rejected fallback error "breaker-transitions/warm-up-warnings"
diagnostics=()
total_admitted=0; total_429=0; total_other=0; total_allowed=0; total_rejected=0; total_fallback=0; total_error=0
for i in 0 1; do
  name=$([ "$i" = 0 ] && echo a || echo b)
  port=${ports[$i]}
  curl -s --max-time 10 "http://127.0.0.1:$port/actuator/prometheus" > "$work/$name.prom" || true
  admitted=$(status_count "$work/$name.wrk" '^2')
  rejected429=$(status_count "$work/$name.wrk" '^429$')
  all=$(status_count "$work/$name.wrk" '.')
  other=$(( all - admitted - rejected429 ))
  allowed=$(counter "$work/$name.prom" allowed)
  rejected=$(counter "$work/$name.prom" rejected)
  fallback=$(counter "$work/$name.prom" fallback)
  error=$(counter "$work/$name.prom" error)
  transitions=$(grep -c "Circuit breaker 'scalability-rate-limit' went from" "$work/$name.log" || true)
  warmup=$(grep -c "Redis was not ready within" "$work/$name.log" || true)
  printf '%-9s %8s %9d %8d %8d %9d %9d %8d %6d %s\n' "$name:$port" "$(sed -n 1p "$work/$name.ready")" \
    "$admitted" "$rejected429" "$other" "$allowed" "$rejected" "$fallback" "$error" "$transitions/$warmup"
  diagnostics+=("$(diagnose "$name")")
  total_admitted=$(( total_admitted + admitted )); total_429=$(( total_429 + rejected429 ))
  total_other=$(( total_other + other )); total_allowed=$(( total_allowed + allowed ))
  total_rejected=$(( total_rejected + rejected )); total_fallback=$(( total_fallback + fallback ))
  total_error=$(( total_error + error ))
done
# The bucket refills over the whole flood, from the first wrk's start to the last one's end.
span=$(awk -v d="$(seconds "$duration")" -v a="$(sed -n 3p "$work/a.ready")" -v b="$(sed -n 3p "$work/b.ready")" \
  'BEGIN { x = a - b; if (x < 0) x = -x; printf "%.3f\n", d + x }')
slack=$(awk -v l="$limit" -v s="$span" -v w="$window_seconds" \
  'BEGIN { r = l * s / w; c = int(r); if (c < r) c++; print c + 2 }')
verdict=$([ "$total_admitted" -le $(( limit + slack )) ] && echo "kept" || echo "EXCEEDED")
printf '%-9s %8s %9d %8d %8d %9d %9d %8d %6d\n' total "" "$total_admitted" "$total_429" "$total_other" \
  "$total_allowed" "$total_rejected" "$total_fallback" "$total_error"
echo "shared limit $limit (+$slack for refill and rounding): admitted $total_admitted, $verdict;" \
  "fallback decisions $total_fallback"
for name in a b; do
  grep -h '^errors' "$work/$name.wrk" | sed "s/^/$name wrk /"
done
printf '%s\n' "${diagnostics[@]}"
# Redis' own time per script call: microseconds while it is healthy.
redis-cli -p "$redis_port" info commandstats | tr -d '\r' | grep -E '^cmdstat_(evalsha|eval):' | sed 's/^/redis /'
