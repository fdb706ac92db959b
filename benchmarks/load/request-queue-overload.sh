#!/usr/bin/env bash
# Open-loop overload of the sample's request queue, measured with Gatling: does the queue
# keep goodput at capacity and latency low when far more arrives than one core can serve,
# and does the service without it collapse?
#
# The service (the packaged sample, memory backend) runs pinned to core 1, Gatling (the
# Maven project in request-queue/) to core 0. In one run:
#   1. capacity: a fresh instance with the queue off, a closed-loop warm-up, then
#      RQ_CAL_CONCURRENCY clients back to back on GET /api/cpu?ms=20 for RQ_CAL_MEASURE_S:
#      the 200s per second are "1x".
#   2. for each mode of RQ_MODES:
#        queue-N  the queue on, --scalability.request-queue.max-concurrent=N: ONE instance,
#                 warmed up, then each multiplier of RQ_MULTIPLIERS in turn (the queue sheds
#                 what it cannot serve, so nothing is left over from one phase to the next);
#        off      the queue off: a FRESH instance per multiplier, each warmed up (without the
#                 queue an overload leaves minutes of accepted work behind it, which would
#                 load the next phase).
#      A phase: RQ_PHASE_S of m x capacity arrivals a second (open model), one request per
#      virtual user, plus RQ_PRIORITY_RATE liveness probes (high priority) a second; client
#      timeout RQ_TIMEOUT_MS.
#   3. the results table, written to results/request-queue-overload-<timestamp>.md and printed.
# Gatling's reports and everything else the runs leave stay in
# request-queue/target/runs/<timestamp>/ (one directory per run, git-ignored).
#
#   benchmarks/load/request-queue-overload.sh
#
# Takes about 15 minutes with the defaults. Needs java 17+, mvn, git, python3, and taskset
# (util-linux; without it everything runs unpinned, with a warning). Packages the sample of
# HEAD (see RQ_REVISION below). Environment knobs, defaults:
#   RQ_MODES="queue-1 off queue-2"   RQ_MULTIPLIERS="0.5 1 2 5 10"   RQ_PHASE_S=30
#   RQ_WARMUP_S=20 RQ_WARMUP_MULTIPLIER=0.8 RQ_GAP_S=6 RQ_PRIORITY_RATE=5 RQ_TIMEOUT_MS=2000
#   RQ_CPU_MS=20 RQ_CAL_CONCURRENCY=4 RQ_CAL_WARMUP_S=20 RQ_CAL_MEASURE_S=15
#   RQ_CAPACITY=<req/s> makes 1x that number instead of the measured capacity (still measured)
#   RQ_SERVICE_CPUS=1 RQ_CLIENT_CPUS=0 RQ_APP_ARGS="..." (added to every instance)
#   RQ_REVISION=HEAD (a commit to measure, or worktree) RQ_JAR=<a sample jar to measure as it is>
#
# The warm-up runs below capacity (0.8x by default) so that, without the queue, no backlog
# of the warm-up is carried into the measured phase.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
project=$here/request-queue
stamp=$(date -u +%Y%m%dT%H%M%SZ)
runs=$project/target/runs/$stamp
results=$here/results/request-queue-overload-$stamp.md

modes=${RQ_MODES:-queue-1 off queue-2}
multipliers=${RQ_MULTIPLIERS:-0.5 1 2 5 10}
phase_s=${RQ_PHASE_S:-30}
warmup_s=${RQ_WARMUP_S:-20}
warmup_multiplier=${RQ_WARMUP_MULTIPLIER:-0.8}
gap_s=${RQ_GAP_S:-6}
priority_rate=${RQ_PRIORITY_RATE:-5}
timeout_ms=${RQ_TIMEOUT_MS:-2000}
cpu_ms=${RQ_CPU_MS:-20}
cal_concurrency=${RQ_CAL_CONCURRENCY:-4}
cal_warmup_s=${RQ_CAL_WARMUP_S:-20}
cal_measure_s=${RQ_CAL_MEASURE_S:-15}
service_cpus=${RQ_SERVICE_CPUS:-1}
client_cpus=${RQ_CLIENT_CPUS:-0}
read -r -a extra_app_args <<< "${RQ_APP_ARGS:-}"

for tool in java mvn git python3; do
  command -v "$tool" > /dev/null || { echo "$tool is not on the PATH" >&2; exit 1; }
done
service_pin=()
client_pin=()
if command -v taskset > /dev/null; then
  service_pin=(taskset -c "$service_cpus")
  client_pin=(taskset -c "$client_cpus")
else
  echo "WARNING: taskset (util-linux) is missing: the service and Gatling share all cores, unpinned" >&2
  service_cpus="all (no taskset)"
  client_cpus="all (no taskset)"
fi

# What is measured: by default the sample of a commit (RQ_REVISION, default HEAD), exported
# with git archive and packaged apart from the work tree, so that uncommitted work in
# progress is not measured by accident and the table can name the commit. RQ_REVISION=worktree
# packages the work tree as it is instead; RQ_JAR=path uses a jar as it is.
revision=${RQ_REVISION:-HEAD}
if [ -n "${RQ_JAR:-}" ]; then
  jar=$RQ_JAR
  built_from="the jar $jar"
elif [ "$revision" = worktree ]; then
  echo "Packaging the sample from the work tree..."
  (cd "$root" && mvn -q -o package -DskipTests -pl sample-app -am)
  jar=$(ls "$root"/sample-app/target/sample-app-*.jar | grep -v -e original -e sources -e javadoc | head -n 1)
  built_from="the work tree at $(git -C "$root" rev-parse --short HEAD) with $(git -C "$root" status --porcelain -- . ':!benchmarks/load' | wc -l) uncommitted changes"
else
  commit=$(git -C "$root" rev-parse --short "$revision^{commit}")
  source=$project/target/source-$commit
  echo "Packaging the sample of commit $commit..."
  rm -rf "$source"
  mkdir -p "$source"
  git -C "$root" archive "$commit" | tar -x -C "$source"
  # package, not install: nothing is written to the local Maven repository.
  (cd "$source" && mvn -q -o package -DskipTests -pl sample-app -am)
  jar=$(ls "$source"/sample-app/target/sample-app-*.jar | grep -v -e original -e sources -e javadoc | head -n 1)
  built_from="commit $commit ($(git -C "$root" log -1 --format=%s "$commit" | cut -c1-80))"
fi
[ -f "${jar:-}" ] || { echo "no sample jar (${jar:-none})" >&2; exit 1; }

echo "Compiling the simulations..."
# Online on purpose: a fresh machine has to fetch Gatling and its Maven plugin once; the
# runs below are offline.
(cd "$project" && mvn -q test-compile dependency:resolve-plugins)
gatling_version=$(sed -n 's:.*<gatling.version>\(.*\)</gatling.version>.*:\1:p' "$project/pom.xml")
plugin_version=$(sed -n 's:.*<gatling-maven-plugin.version>\(.*\)</gatling-maven-plugin.version>.*:\1:p' "$project/pom.xml")

mkdir -p "$runs" "$here/results"
app_pid=""

stop_app() {
  if [ -n "$app_pid" ]; then
    kill "$app_pid" 2>/dev/null || true
    # A service left with thousands of accepted requests would take its graceful shutdown's
    # whole 30 s: give it 5, then end it.
    for _ in $(seq 1 50); do
      kill -0 "$app_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    app_pid=""
  fi
}
trap stop_app EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

machine="Machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(java -version 2>&1 | head -n 1)."

# run_cell NAME KIND SIMULATION MULTIPLIERS MODE-TEXT GROUP [APP ARGS...]
# Starts a fresh instance, runs one simulation against it (Gatling waits for it to answer),
# stops it, and leaves everything in $runs/NAME.
run_cell() {
  local name=$1 kind=$2 simulation=$3 cell_multipliers=$4 mode=$5 group=$6
  shift 6
  local cell=$runs/$name port before after report status=0
  local timer=()
  mkdir -p "$cell"
  # The client's CPU time over the whole run (Maven, Gatling, the report), next to its wall time.
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%e %U %S" -o "$cell/client-time.txt")
  port=$(free_port)
  ${service_pin[@]+"${service_pin[@]}"} java -Xms512m -Xmx512m -jar "$jar" --server.port="$port" --spring.data.redis.port=1 \
    --logging.level.root=WARN "$@" ${extra_app_args[@]+"${extra_app_args[@]}"} > "$cell/app.log" 2>&1 &
  app_pid=$!
  {
    echo "kind=$kind"; echo "mode=$mode"; echo "group=$group"; echo "multipliers=$cell_multipliers"
    echo "app_args=$*"; echo "phase_s=$phase_s"; echo "warmup_s=$warmup_s"; echo "gap_s=$gap_s"
    echo "warmup_multiplier=$warmup_multiplier"; echo "priority_rate=$priority_rate"; echo "timeout_ms=$timeout_ms"
    echo "cpu_ms=$cpu_ms"; echo "capacity=${capacity:-}"; echo "concurrency=$cal_concurrency"
    echo "measure_s=$cal_measure_s"; echo "started=$(date -u '+%Y-%m-%d %H:%M UTC')"; echo "machine=$machine"
    echo "service_cpus=$service_cpus"; echo "client_cpus=$client_cpus"
    echo "gatling_version=$gatling_version"; echo "plugin_version=$plugin_version"; echo "built_from=$built_from"
  } > "$cell/meta.env"
  if [ "$kind" = calibration ]; then
    sed -i "s/^warmup_s=.*/warmup_s=$cal_warmup_s/" "$cell/meta.env"
  fi
  before=$(ls -d "$project"/target/gatling/*/ 2>/dev/null | sort || true)
  echo "[$(date -u +%H:%M:%S)] $name: $mode, load ${cell_multipliers// /, } (x capacity ${capacity:-?} req/s)"
  (
    cd "$project"
    export RQ_BASE_URL="http://127.0.0.1:$port" RQ_CPU_MS="$cpu_ms" RQ_TIMEOUT_MS="$timeout_ms"
    export RQ_CAPACITY="${capacity:-0}" RQ_MULTIPLIERS="$cell_multipliers" RQ_PHASE_S="$phase_s" RQ_GAP_S="$gap_s"
    export RQ_WARMUP_MULTIPLIER="$warmup_multiplier" RQ_PRIORITY_RATE="$priority_rate"
    export RQ_CONCURRENCY="$cal_concurrency" RQ_MEASURE_S="$cal_measure_s" RQ_OUT_DIR="$cell" RQ_SERVICE_PID="$app_pid"
    if [ "$kind" = calibration ]; then export RQ_WARMUP_S="$cal_warmup_s"; else export RQ_WARMUP_S="$warmup_s"; fi
    ${timer[@]+"${timer[@]}"} ${client_pin[@]+"${client_pin[@]}"} mvn -o gatling:test -Dgatling.simulationClass="dev.scalability.benchmarks.load.$simulation" \
      -Dgatling.runDescription="$name" > "$cell/gatling.log" 2>&1
  ) || status=$?
  kill -0 "$app_pid" 2>/dev/null || { echo "the service of $name died; see $cell/app.log" >&2; status=1; }
  stop_app
  after=$(ls -d "$project"/target/gatling/*/ 2>/dev/null | sort || true)
  report=$(comm -13 <(echo "$before") <(echo "$after") | tail -n 1)
  if [ -n "$report" ]; then
    mv "$report" "$cell/report"
  fi
  if [ "$status" != 0 ] || [ ! -f "$cell/report/index.html" ]; then
    echo "$name failed (exit $status); the end of its Gatling log:" >&2
    tail -n 30 "$cell/gatling.log" >&2
    exit 1
  fi
}

if [ -n "${RQ_CAPACITY:-}" ]; then
  capacity=$RQ_CAPACITY
  echo "Capacity given: $capacity req/s"
fi
run_cell 00-calibration calibration CapacitySimulation "" "calibration (queue off)" calibration \
  --scalability.request-queue.enabled=false
measured=$(python3 "$project/report.py" capacity "$runs/00-calibration")
capacity=${capacity:-$measured}
echo "Measured capacity: $measured req/s (1x = $capacity req/s)"
sed -i "s/^capacity=.*/capacity=$capacity/" "$runs/00-calibration/meta.env"

index=1
for mode in $modes; do
  case "$mode" in
    queue-*)
      limit=${mode#queue-}
      run_cell "$(printf '%02d' "$index")-$mode" overload RequestQueueOverloadSimulation "$multipliers" \
        "queue on, max-concurrent=$limit" "$mode" --scalability.request-queue.max-concurrent="$limit"
      index=$((index + 1))
      ;;
    off)
      for m in $multipliers; do
        run_cell "$(printf '%02d' "$index")-off-${m}x" overload RequestQueueOverloadSimulation "$m" \
          "queue off" off --scalability.request-queue.enabled=false
        index=$((index + 1))
      done
      ;;
    *)
      echo "unknown mode $mode (queue-N or off)" >&2
      exit 1
      ;;
  esac
done

echo
python3 "$project/report.py" table "$runs" "$results"
echo
echo "Results: $results"
echo "Gatling reports and raw outputs: $runs"
