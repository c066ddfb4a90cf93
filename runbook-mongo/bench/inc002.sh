#!/usr/bin/env bash
# Runs inc002.jsh in JShell against mongo-java-server seeded like INC-002 ("Payment webhook failed") and a
# stand-in for the admin endpoint POST /admin/events/{id}/replay. No real mongod can run on the project's
# machines: the stand-in speaks the wire protocol to the real driver.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/classpath.sh"
FIFO=$(mktemp -u /tmp/runbook-mongo-inc002-XXXX)
mkfifo "$FIFO"
exec 3<>"$FIFO"
java -Dsun.net.httpserver.nodelay=true -cp "$BENCH_CP" dev.runbook.mongo.Inc002Servers <&3 > "$FIFO.out" 2>&1 &
SERVERS=$!
trap 'exec 3>&-; wait $SERVERS 2>/dev/null; tail -1 "$FIFO.out"; rm -f "$FIFO" "$FIFO.out"' EXIT
until grep -q '^MONGO=' "$FIFO.out" 2>/dev/null; do sleep 0.1; done
LINE=$(grep '^MONGO=' "$FIFO.out")
MONGO=$(echo "$LINE" | sed -E 's/^MONGO=([^ ]+) .*/\1/')
ADMIN=$(echo "$LINE" | sed -E 's/.* ADMIN=([^ ]+)$/\1/')
jshell --feedback concise --class-path "$BENCH_CP" -R-Dmongo="$MONGO" -R-Dadmin="$ADMIN" \
  -R-DadminToken="Bearer admin-s3cret" < "$HERE/inc002.jsh"
