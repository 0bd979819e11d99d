#!/bin/sh
# Writes the worker properties from CONNECT_* environment variables (the convention of Confluent's
# cp-kafka-connect image: CONNECT_BOOTSTRAP_SERVERS -> bootstrap.servers, CONNECT_REST_ADVERTISED_HOST_NAME ->
# rest.advertised.host.name; a double underscore stands for a literal underscore), then runs
# `sluice <mode> <file>`. A mounted properties file can be given instead: `sluice-entrypoint distributed /f`.
set -eu
mode="${1:-distributed}"
if [ $# -ge 2 ]; then exec /usr/local/bin/sluice "$mode" "$2"; fi
file=/var/lib/sluice/worker.properties
: > "$file"
env | LC_ALL=C sort | while IFS='=' read -r name value; do
  case "$name" in
    CONNECT_*)
      key=$(printf '%s' "${name#CONNECT_}" | sed -e 's/__/\x01/g' -e 's/_/./g' -e 's/\x01/_/g' | tr 'A-Z' 'a-z')
      printf '%s=%s\n' "$key" "$value" >> "$file"
      ;;
  esac
done
grep -q '^plugin.path=' "$file" || echo 'plugin.path=/usr/share/sluice/plugins' >> "$file"
echo "sluice-entrypoint: worker properties written to $file:" >&2
grep -v -i -E 'password|secret|jaas' "$file" >&2 || true
exec /usr/local/bin/sluice "$mode" "$file"
