#!/usr/bin/env python3
"""Checks docker-compose.yml's topology (Kafka in KRaft mode, three sluice workers built from
docker/Dockerfile, each REST port published, one group) and docker/entrypoint.sh's CONNECT_* translation.
`docker-compose config` checks the syntax separately (ctest docker_compose_config)."""
import os
import subprocess
import sys
import tempfile

import yaml

root = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


compose = yaml.safe_load(open(os.path.join(root, "docker-compose.yml")))
services = compose["services"]
kafka = services.get("kafka", {})
env = kafka.get("environment", {})
check("broker" in str(env.get("KAFKA_PROCESS_ROLES", "")) and "controller" in str(env.get("KAFKA_PROCESS_ROLES", "")),
      "kafka must run in KRaft mode (KAFKA_PROCESS_ROLES broker,controller)")
check("KAFKA_ZOOKEEPER_CONNECT" not in env, "no ZooKeeper")
workers = [name for name in services if name.startswith("worker")]
check(len(workers) == 3, f"three workers expected, found {workers}")
published = set()
groups = set()
for name in workers:
    w = services[name]
    check(w.get("build", {}).get("dockerfile") == "docker/Dockerfile", f"{name} must build from docker/Dockerfile")
    wenv = w.get("environment", {})
    groups.add(wenv.get("CONNECT_GROUP_ID"))
    check(wenv.get("CONNECT_REST_ADVERTISED_HOST_NAME") == name, f"{name} must advertise its own host name")
    for port in w.get("ports", []):
        published.add(str(port).split(":")[0])
check(len(groups) == 1 and None not in groups, f"all workers must share one group.id, found {groups}")
check(len(published) == 3, f"each worker's REST port must be published on its own host port, found {published}")
check(os.path.exists(os.path.join(root, "docker/Dockerfile")), "docker/Dockerfile missing")
check("install-deps.sh" in open(os.path.join(root, "docker/Dockerfile")).read(),
      "the image must be built with scripts/install-deps.sh")

# The entrypoint's translation, run with a stand-in for the sluice binary that prints its arguments and file.
with tempfile.TemporaryDirectory() as tmp:
    script = open(os.path.join(root, "docker/entrypoint.sh")).read()
    script = script.replace("/var/lib/sluice/worker.properties", os.path.join(tmp, "worker.properties"))
    script = script.replace("/usr/local/bin/sluice ", "cat_args ")
    script = "cat_args() { echo \"$1\"; cat \"$2\"; }\n" + script.replace("exec cat_args", "cat_args")
    out = subprocess.run(["sh", "-c", script, "entrypoint", "distributed"], capture_output=True, text=True,
                         env={"PATH": os.environ["PATH"], "CONNECT_BOOTSTRAP_SERVERS": "kafka:9092",
                              "CONNECT_REST_ADVERTISED_HOST_NAME": "worker1",
                              "CONNECT_SASL_JAAS_CONFIG": "secret-value",
                              "CONNECT_CONSUMER_CLIENT__RACK": "r1", "UNRELATED": "x"})
    lines = out.stdout.splitlines()
    check(out.returncode == 0, f"entrypoint failed: {out.stderr}")
    check(lines[:1] == ["distributed"], f"mode not passed on: {lines}")
    check("bootstrap.servers=kafka:9092" in lines, f"bootstrap.servers missing: {lines}")
    check("rest.advertised.host.name=worker1" in lines, f"rest.advertised.host.name missing: {lines}")
    check("consumer.client_rack=r1" in lines, f"double underscore must stay an underscore: {lines}")
    check("plugin.path=/usr/share/sluice/plugins" in lines, f"default plugin.path missing: {lines}")
    check(not any(l.startswith("unrelated") for l in lines), "non-CONNECT_ variables must be ignored")
    check("secret-value" not in out.stderr, "secrets must not be echoed")

for f in failures:
    print("FAIL:", f)
print("compose_check:", "ok" if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
