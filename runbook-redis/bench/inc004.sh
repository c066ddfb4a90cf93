#!/usr/bin/env bash
# Runs inc004.jsh in JShell against a throwaway redis-server seeded like INC-004. Needs bench/run.sh's build.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
(cd "$ROOT" && ./mvnw -B -q -pl runbook-redis -am test-compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/bench-cp.txt" -Dmdep.includeScope=test)
CP="$MOD/target/classes:$ROOT/runbook-core/target/classes:$(cat "$MOD/target/bench-cp.txt")"
CP="$CP:$(ls "$MOD"/target/test-classes/logback-test.xml >/dev/null 2>&1 && echo "$MOD/target/test-classes")"
DIR=$(mktemp -d /tmp/runbook-redis-inc004-XXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$DIR" \
  --pidfile "$DIR/p.pid" --logfile "$DIR/redis.log" --maxmemory 200mb
stop() { local pid; pid=$(cat "$DIR/p.pid" 2>/dev/null) && kill "$pid" 2>/dev/null && while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; rm -rf "$DIR"; }
trap stop EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
awk 'BEGIN { v = "{\"sku\":101,\"qty\":100,\"wh\":\"HCM-01\"}"
             for (i = 0; i < 100000; i++) { k = "cache:wms:stock:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v }
             for (i = 0; i < 3000; i++) { k = "session:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nu\r\n", length(k), k }
             for (i = 0; i < 5000; i++) { k = "dispatch:invitations:" i; printf "*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nx\r\n$2\r\nEX\r\n$4\r\n3600\r\n", length(k), k }
             for (i = 0; i < 20; i++) { k = "cache:wms:stock:lock:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nl\r\n", length(k), k } }' \
  | redis-cli -p "$PORT" --pipe >/dev/null
jshell --feedback concise --class-path "$CP" -R-Dredis="redis://127.0.0.1:$PORT" < "$HERE/inc004.jsh"
