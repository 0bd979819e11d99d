#!/usr/bin/env bash
# Installs dependencies, builds, and runs Kafka Connect's file quickstart on a standalone worker:
# config/file-source.json reads /tmp/test.txt into the topic connect-test, config/file-sink.json writes that
# topic to /tmp/test.sink.txt. config/standalone.properties has no bootstrap.servers, so the worker runs an
# embedded in-memory Kafka broker (data is lost at exit). The worker keeps running, with its REST API on
# port 8083, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

input=/tmp/test.txt
output=/tmp/test.sink.txt
log=/tmp/sluice-quickstart.log
# A fresh run: no old offsets (they would skip lines already sent) and no old sink output.
rm -f "$output" /tmp/connect.offsets
printf 'foo\nbar\n' > "$input"

build/bin/sluice standalone config/standalone.properties config/file-source.json config/file-sink.json 2>"$log" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT

echo "Started the standalone worker (pid $pid, log $log); waiting for $input to reach $output ..."
for _ in $(seq 1 300); do
  cmp -s "$input" "$output" && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "The worker exited early; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if ! cmp -s "$input" "$output"; then
  echo "$output does not match $input after 30 s; the worker log is $log" >&2
  exit 1
fi
echo "Copied $input -> topic connect-test -> $output:"
cat "$output"

cat <<'TOUR'

The worker keeps running. Try, in another terminal:
  echo another line >> /tmp/test.txt; cat /tmp/test.sink.txt      # new lines flow through
  curl -s localhost:8083/                                         # version and Kafka cluster id
  curl -s localhost:8083/connectors?expand=status                 # connectors and their state
  curl -s localhost:8083/connectors/local-file-source/offsets     # the source's position in the file
  curl -s -X PUT localhost:8083/connectors/local-file-sink/pause  # pause (resume: .../resume)
  curl -s localhost:8083/connector-plugins                        # installed connector plugins
Press Ctrl-C to stop the worker.
TOUR
wait "$pid"
