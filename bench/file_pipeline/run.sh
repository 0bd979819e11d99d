#!/usr/bin/env bash
# file -> Kafka -> file, through sluice (FileStreamSource / FileStreamSink, StringConverter) and through kcat
# (kcat -P / kcat -C), against the same `sluice dev-kafka`, in one run. Prints the rate of each direction
# (source: file -> Kafka; sink: Kafka -> file), the sluice/kcat ratio, the worker's idle RSS and the time from
# process start to the first 200 from GET /.
#
#   bench/file_pipeline/run.sh [BUILD_DIR]        (default: <repo>/build)
#   LINES=200000 bench/file_pipeline/run.sh       (a quicker run)
#   RUNS=5 bench/file_pipeline/run.sh             (times each tool RUNS times per direction, default 3; medians)
#
# Everything listens on 127.0.0.1 and is stopped by PID on exit. Not a test: nothing here fails on a rate.
#
# The dev broker (librdkafka's mock cluster) keeps only the last 5 MB of each partition and silently drops
# older data, so the topics get PARTITIONS partitions (default 64: 1,000,000 x 100 B = 100 MB is ~1.6 MB per
# partition), each tool writes its own topic, and both producers spread records evenly with
# sticky.partitioning.linger.ms=0 (librdkafka's sticky partitioner otherwise sends 10 ms worth of null-key
# records to one partition, which overflows some partitions). The script checks that nothing was dropped.
# The rates include what each tool pays to start (kcat's metadata request, the source connector's start),
# except the sink's consumer group join: a sink task consumes in a group, and the dev broker holds a new
# group's first join for 3 s (librdkafka's mock hard-codes group.initial.rebalance.delay.ms=3000, Kafka's
# broker default; Kafka's quickstart server.properties sets it to 0). kcat -C joins no group, so the sink
# connectors (one per run, each reading its run's topic) are created before the sources run, join their
# groups on the empty topics, are paused, and are timed from their resume. The join is printed on its own, and kcat -G (a consumer group, join included) for context.
# The time from the resume includes the wait for the first fetch (librdkafka 2.0.2's broker thread notices
# resumed partitions when it wakes up, which sluice's consumer makes it do on resume), so the sink is also
# printed from its first record.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-${BUILD_DIR:-$repo/build}}
lines=${LINES:-1000000}
partitions=${PARTITIONS:-64}
runs=${RUNS:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: RUNS must be a positive number" >&2; exit 2; }
sluice=$build/bin/sluice
watch=$build/bin/bench_topic_watch
plugins=$build/plugins

for tool in "$sluice" "$watch" kcat curl python3; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool not found" >&2; exit 2; }
done
[[ -d $plugins/file ]] || { echo "run.sh: $plugins/file missing; build sluice_plugin_file" >&2; exit 2; }

# The input, the outputs and the offsets live in memory (/dev/shm) unless TMPDIR says otherwise: with the
# outputs on disk, the writeback of one run's 100 MB slowed the next run of either tool by up to 3x.
default_tmp=/tmp
[[ -d /dev/shm && -w /dev/shm ]] && default_tmp=/dev/shm
work=$(mktemp -d "${TMPDIR:-$default_tmp}/sluice-bench-XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2> /dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2> /dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
# elapsed START END -> seconds with 3 decimals
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
rate() { python3 -c "print(f'{$1 / ($2):,.0f}')"; }
mb_rate() { python3 -c "print(f'{$1 / ($2) / 1e6:.1f}')"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits up to $1 seconds for the command in $2.. to succeed, polling every 10 ms (bash's clock, so polling
# costs no extra process).
us_now() { local t=$EPOCHREALTIME; echo "${t/./}"; }
wait_for() {
  local deadline=$(( $(us_now) + $1 * 1000000 ))
  shift
  until "$@"; do
    if (( $(us_now) > deadline )); then
      echo "run.sh: timed out waiting for: $*" >&2
      return 1
    fi
    sleep 0.01
  done
}

# ---- input: LINES lines of exactly 100 bytes ---------------------------------------------------------------
input=$work/input.txt
python3 - "$input" "$lines" << 'EOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
pad = "abcdefghijklmnopqrstuvwxyz" * 5
with open(path, "w") as out:
    for i in range(1, n + 1):
        out.write(f"{i:010d} {pad[i % 26:i % 26 + 88]}\n")
EOF
bytes=$(stat -c %s "$input")
[[ $bytes -eq $((lines * 100)) ]] || { echo "run.sh: input is $bytes bytes, expected $((lines * 100))" >&2; exit 1; }

# ---- the broker ---------------------------------------------------------------------------------------------
# Each source run writes its own topic: bench-kcat-N for kcat -P, bench-sluice-N for sluice.
topic_args=()
for ((i = 1; i <= runs; i++)); do topic_args+=(--topic "bench-kcat-$i:$partitions" --topic "bench-sluice-$i:$partitions"); done
"$sluice" dev-kafka "${topic_args[@]}" > "$work/dev-kafka.out" 2> "$work/dev-kafka.err" &
pids+=($!)
wait_for 30 test -s "$work/dev-kafka.out"
bootstrap=$(head -1 "$work/dev-kafka.out")

# Sum of the end offsets of a topic's partitions.
end_offsets() {
  local args=() p
  for ((p = 0; p < partitions; p++)); do args+=(-t "$1:$p:-1"); done
  kcat -Q -b "$bootstrap" "${args[@]}" 2> /dev/null | awk '{ sum += $NF } END { print sum + 0 }'
}
# Sum of the log start offsets: anything but 0 means the dev broker dropped records.
start_offsets() {
  local args=() p
  for ((p = 0; p < partitions; p++)); do args+=(-t "$1:$p:-2"); done
  kcat -Q -b "$bootstrap" "${args[@]}" 2> /dev/null | awk '{ sum += $NF } END { print sum + 0 }'
}
check_kept() {
  local dropped
  dropped=$(start_offsets "$1")
  [[ $dropped -eq 0 ]] || { echo "run.sh: the dev broker dropped $dropped records of $1 (partition over 5 MB); raise PARTITIONS" >&2; exit 1; }
}

# The median of a list of seconds, and the list itself for the report.
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }

# ---- sluice (and kcat, taking turns) ------------------------------------------------------------------------
port=$(free_port)
cat > "$work/worker.properties" << EOF
bootstrap.servers=$bootstrap
listeners=http://127.0.0.1:$port
plugin.path=$plugins
offset.storage.file.filename=$work/connect.offsets
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
producer.sticky.partitioning.linger.ms=0
offset.flush.interval.ms=20
EOF
# Extra worker properties, one per line (e.g. WORKER_PROPERTIES=$'consumer.debug=fetch' for a diagnosis).
[[ -z ${WORKER_PROPERTIES:-} ]] || printf '%s\n' "$WORKER_PROPERTIES" >> "$work/worker.properties"
url=http://127.0.0.1:$port
root_ok() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/") == 200 ]]; }

t0=$(now)
"$sluice" standalone "$work/worker.properties" > "$work/worker.out" 2> "$work/worker.err" &
worker=$!
pids+=("$worker")
wait_for 60 root_ok || { tail -20 "$work/worker.err" >&2; exit 1; }
t1=$(now)
startup=$(elapsed "$t0" "$t1")
# Idle: started, no connector yet, after the first requests were served.
idle_rss=$(awk '/^VmRSS/ { print $2, $3 }' "/proc/$worker/status")

post() {
  local status
  status=$(curl -s -o "$work/post.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "$1" "$url/connectors")
  [[ $status == 201 ]] || { echo "run.sh: POST /connectors answered $status: $(cat "$work/post.out")" >&2; exit 1; }
}

# The source is timed until every record is in the topic (bench_topic_watch: one client asking for the end
# offsets every 5 ms; starting kcat -Q for each check would load the 2-core machine), then until the
# offset of the input's last byte is committed for that run's connector (offset.flush.interval.ms=20 above).
source_committed() {
  [[ -f $work/connect.offsets ]] || return 1
  grep -F "bench-source-$1\\\"" "$work/connect.offsets" | grep -qF "position\\\":$bytes}"
}

connector_state() {
  curl -s "$url/connectors/$1/status" | python3 -c 'import json, sys
s = json.load(sys.stdin)
print(s["connector"]["state"], *[t["state"] for t in s.get("tasks", [])])'
}
sink_paused() { [[ $(connector_state "bench-sink-$1") == "PAUSED PAUSED" ]]; }

# One sink per run, each reading the topic of that run's sluice source: they join their consumer groups on the
# (still empty) topics together, then wait paused until the sources are done.
t0=$(now)
for ((i = 1; i <= runs; i++)); do
  post "{\"name\": \"bench-sink-$i\", \"config\": {\"connector.class\": \"FileStreamSink\", \"tasks.max\": \"1\",
         \"file\": \"$work/sluice-$i.out\", \"topics\": \"bench-sluice-$i\"}}"
done
# The dev broker answers no DescribeGroups: the worker's log says when the task got its partitions.
sink_assigned() { grep -q "bench-sink-$1|task-0\\] Partitions assigned" "$work/worker.err"; }
for ((i = 1; i <= runs; i++)); do
  wait_for 60 sink_assigned "$i" || { tail -20 "$work/worker.err" >&2; exit 1; }
done
t1=$(now)
sink_join=$(elapsed "$t0" "$t1")
for ((i = 1; i <= runs; i++)); do
  curl -s -o /dev/null -X PUT "$url/connectors/bench-sink-$i/pause"
  wait_for 30 sink_paused "$i" || { echo "run.sh: bench-sink-$i did not pause: $(connector_state "bench-sink-$i")" >&2; exit 1; }
done

# Each run is a new connector (its own offsets: it reads the file from the start) writing its own topic; it
# is deleted once its offsets are committed.
# kcat -P and the sluice source take turns, so that both see the same machine (a shared VM's speed drifts
# by tens of percent within a minute).
kcat_sources=()
sluice_sources=()
commit_lags=()
for ((i = 1; i <= runs; i++)); do
  t0=$(now)
  kcat -P -b "$bootstrap" -t "bench-kcat-$i" -X sticky.partitioning.linger.ms=0 -l "$input"
  t1=$(now)
  check_kept "bench-kcat-$i"
  [[ $(end_offsets "bench-kcat-$i") -eq $lines ]] || { echo "run.sh: kcat -P did not produce $lines records" >&2; exit 1; }
  kcat_sources+=("$(elapsed "$t0" "$t1")")

  t0=$(now)
  post "{\"name\": \"bench-source-$i\", \"config\": {\"connector.class\": \"FileStreamSource\", \"tasks.max\": \"1\",
         \"file\": \"$input\", \"topic\": \"bench-sluice-$i\"}}"
  "$watch" "$bootstrap" "bench-sluice-$i" "$partitions" "$lines" 600 || { tail -20 "$work/worker.err" >&2; exit 1; }
  t1=$(now)
  sluice_sources+=("$(elapsed "$t0" "$t1")")
  wait_for 60 source_committed "$i" || { tail -20 "$work/worker.err" >&2; exit 1; }
  commit_lags+=("$(elapsed "$t1" "$(now)")")
  check_kept "bench-sluice-$i"
  [[ $(end_offsets "bench-sluice-$i") -eq $lines ]] || { echo "run.sh: the sluice source did not produce $lines records" >&2; exit 1; }
  status=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$url/connectors/bench-source-$i")
  [[ $status == 204 ]] || { echo "run.sh: DELETE /connectors/bench-source-$i answered $status" >&2; exit 1; }
done
kcat_source=$(median "${kcat_sources[@]}")
sluice_source=$(median "${sluice_sources[@]}")
source_commit_lag=$(median "${commit_lags[@]}")

# kcat -C and the sluice sink take turns too, each run reading that run's topics (bench-kcat-N for kcat,
# bench-sluice-N for sluice), the one going first changing from run to run. Each sink is resumed, timed until
# its file holds every line, checked, and deleted.
for ((i = 1; i <= runs; i++)); do
  [[ ! -s $work/sluice-$i.out ]] || { echo "run.sh: the paused bench-sink-$i wrote records" >&2; exit 1; }
done
kcat_sinks=()
sluice_sinks=()
sink_lags=()
sink_steadies=()
run_kcat_sink() {
  local t0 t1
  t0=$(now)
  kcat -C -b "$bootstrap" -t "bench-kcat-$1" -o beginning -e -q -f '%s\n' > "$work/kcat.out"
  t1=$(now)
  [[ $(stat -c %s "$work/kcat.out") -eq $bytes ]] || { echo "run.sh: kcat -C wrote $(stat -c %s "$work/kcat.out") bytes, expected $bytes" >&2; exit 1; }
  kcat_sinks+=("$(elapsed "$t0" "$t1")")
}
run_sluice_sink() {
  local output=$work/sluice-$1.out t0 t_first t1 status
  output_started() { [[ -s $output ]]; }
  output_full() { [[ -f $output && $(stat -c %s "$output") -ge $bytes ]]; }
  t0=$(now)
  curl -s -o /dev/null -X PUT "$url/connectors/bench-sink-$1/resume"
  wait_for 60 output_started || { tail -20 "$work/worker.err" >&2; exit 1; }
  t_first=$(now)
  wait_for 600 output_full || { tail -20 "$work/worker.err" >&2; exit 1; }
  t1=$(now)
  sluice_sinks+=("$(elapsed "$t0" "$t1")")
  sink_lags+=("$(elapsed "$t0" "$t_first")")
  sink_steadies+=("$(elapsed "$t_first" "$t1")")
  [[ $(stat -c %s "$output") -eq $bytes ]] || { echo "run.sh: bench-sink-$1 wrote $(stat -c %s "$output") bytes, expected $bytes" >&2; exit 1; }
  status=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$url/connectors/bench-sink-$1")
  [[ $status == 204 ]] || { echo "run.sh: DELETE /connectors/bench-sink-$1 answered $status" >&2; exit 1; }
  # Same lines (partitions interleave them differently): compare sorted.
  if ! cmp -s <(sort "$input") <(sort "$output"); then
    echo "run.sh: the output of bench-sink-$1 does not hold the input's lines" >&2
    exit 1
  fi
  rm -f "$output"
}
for ((i = 1; i <= runs; i++)); do
  if ((i % 2 == 1)); then
    run_kcat_sink "$i"
    run_sluice_sink "$i"
  else
    run_sluice_sink "$i"
    run_kcat_sink "$i"
  fi
done
kcat_sink=$(median "${kcat_sinks[@]}")
sluice_sink=$(median "${sluice_sinks[@]}")
sink_resume_lag=$(median "${sink_lags[@]}")
sink_steady=$(median "${sink_steadies[@]}")

# For context: kcat in a consumer group (-G), as a sink task consumes (group join included).
t0=$(now)
kcat -G bench-kcat-group -b "$bootstrap" -X auto.offset.reset=earliest -e -q -f '%s\n' bench-kcat-1 > "$work/kcat-group.out"
t1=$(now)
kcat_group=$(elapsed "$t0" "$t1")
[[ $(stat -c %s "$work/kcat-group.out") -eq $bytes ]] || { echo "run.sh: kcat -G wrote $(stat -c %s "$work/kcat-group.out") bytes, expected $bytes" >&2; exit 1; }

busy_rss=$(awk '/^VmRSS/ { print $2, $3 }' "/proc/$worker/status")
peak_rss=$(awk '/^VmHWM/ { print $2, $3 }' "/proc/$worker/status")

# ---- report -------------------------------------------------------------------------------------------------
ratio() { python3 -c "print(f'{$2 / $1:.2f}x')"; }  # sluice rate / kcat rate = kcat time / sluice time
printf 'file_pipeline: %d lines x 100 B (%s MB), %d partitions, sluice dev-kafka at %s\n' \
  "$lines" "$(python3 -c "print(f'{$bytes / 1e6:.0f}')")" "$partitions" "$bootstrap"
printf '%-34s %10s %14s %10s\n' "" "seconds" "records/s" "MB/s"
printf 'source: the median of %d runs each (kcat -P: %s s; sluice: %s s)\n' "$runs" "${kcat_sources[*]}" "${sluice_sources[*]}"
printf '%-34s %10s %14s %10s\n' "source  kcat -P" "$kcat_source" "$(rate "$lines" "$kcat_source")" "$(mb_rate "$bytes" "$kcat_source")"
printf '%-34s %10s %14s %10s\n' "source  sluice FileStreamSource" "$sluice_source" "$(rate "$lines" "$sluice_source")" "$(mb_rate "$bytes" "$sluice_source")"
printf 'sink: the median of %d runs each (kcat -C: %s s; sluice from the resume: %s s)\n' "$runs" "${kcat_sinks[*]}" "${sluice_sinks[*]}"
printf '%-34s %10s %14s %10s\n' "sink    kcat -C" "$kcat_sink" "$(rate "$lines" "$kcat_sink")" "$(mb_rate "$bytes" "$kcat_sink")"
printf '%-34s %10s %14s %10s\n' "sink    kcat -G (consumer group)" "$kcat_group" "$(rate "$lines" "$kcat_group")" "$(mb_rate "$bytes" "$kcat_group")"
printf '%-34s %10s %14s %10s\n' "sink    sluice FileStreamSink" "$sluice_sink" "$(rate "$lines" "$sluice_sink")" "$(mb_rate "$bytes" "$sluice_sink")"
printf '%-34s %10s %14s %10s\n' "sink    sluice, from its first record" "$sink_steady" "$(rate "$lines" "$sink_steady")" "$(mb_rate "$bytes" "$sink_steady")"
printf 'ratio sluice/kcat (target >= 0.80x): source %s, sink %s (from its first record %s)\n' \
  "$(ratio "$sluice_source" "$kcat_source")" "$(ratio "$sluice_sink" "$kcat_sink")" "$(ratio "$sink_steady" "$kcat_sink")"
printf 'sink: first record written %s s (median) after the resume\n' \
  "$sink_resume_lag"
printf 'sink: consumer group joins before the runs %s s (dev broker first-join hold 3 s); join + sink %s s = %s of kcat -G\n' \
  "$sink_join" "$(python3 -c "print(f'{$sink_join + $sluice_sink:.3f}')")" \
  "$(ratio "$(python3 -c "print($sink_join + $sluice_sink)")" "$kcat_group")"
printf 'sluice source: last offset committed %s s (median) after the last record was in Kafka\n' "$source_commit_lag"
printf 'load average during the run: %s (nproc %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
printf 'worker: first 200 from GET / %s s after start; idle RSS %s; RSS after the run %s; peak RSS %s\n' \
  "$startup" "$idle_rss" "$busy_rss" "$peak_rss"
