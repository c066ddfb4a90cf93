#!/usr/bin/env bash
# Runs inc003.jsh in JShell against a throwaway MariaDB primary + GTID replica seeded like INC-003 "MySQL
# replica lag > 30s": a locking query on the replica blocks its SQL thread, and behind it waits an insert
# whose key the replica already has (written there by hand). Usage (from the repository root):
#   runbook-sql/bench/inc003.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
command -v mariadbd >/dev/null || command -v /usr/sbin/mariadbd >/dev/null \
  || { echo "mariadbd missing: apt-get install -y mariadb-server" >&2; exit 1; }
(cd "$ROOT" && ./mvnw -B -q -o -pl runbook-sql -am test-compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/bench-cp.txt" -Dmdep.includeScope=test)
CP="$MOD/target/classes:$ROOT/runbook-core/target/classes:$(cat "$MOD/target/bench-cp.txt")"
TCP="$MOD/target/test-classes:$ROOT/runbook-test/target/classes:$CP"
DIR=$(mktemp -d /tmp/runbook-sql-inc003-XXXX)
java -cp "$TCP" -Dlogback.configurationFile="$MOD/src/test/resources/logback-test.xml" \
  dev.runbook.sql.test.ReplicaPairMain mariadb "$DIR/pair.env" >"$DIR/pair.log" 2>&1 &
PAIR=$!
stop() { { kill "$PAIR" 2>/dev/null && wait "$PAIR" 2>/dev/null; } || true; rm -rf "$DIR"; }  # the pair ends on TERM (143): not a failure of the script
trap stop EXIT
until [ -f "$DIR/pair.env" ]; do kill -0 "$PAIR" || { cat "$DIR/pair.log"; exit 1; }; sleep 0.1; done
# shellcheck disable=SC1091
. "$DIR/pair.env"
my() { local port=$1; shift; mariadb -h 127.0.0.1 -P "$port" -u "$ADMIN_USER" -p"$ADMIN_PASSWORD" "$@"; }
my "$PRIMARY_PORT" -e "USE app; CREATE TABLE app.orders (id int PRIMARY KEY, sku varchar(20), qty int);
  INSERT INTO app.orders SELECT seq, CONCAT('SKU-', seq), 100 FROM seq_1_to_1000;"
until [ "$(my "$REPLICA_PORT" -N -e "SELECT COUNT(*) FROM app.orders" 2>/dev/null)" = 1000 ]; do sleep 0.1; done
# the blocker: a locking read on the replica, in a transaction (autocommit takes no row lock), running for ten minutes
my "$REPLICA_PORT" -e "START TRANSACTION; SELECT id, SLEEP(600) FROM app.orders WHERE id = 1 FOR UPDATE" >/dev/null 2>&1 &
# a row someone wrote on the replica by hand, that the primary writes too
my "$REPLICA_PORT" -e "SET sql_log_bin = 0; INSERT INTO app.orders VALUES (1001, 'SKU-1001', 7)"
sleep 1
# the application goes on writing: the first update waits for the blocker, the rest queue behind it
my "$PRIMARY_PORT" -e "UPDATE app.orders SET qty = qty - 1 WHERE id = 1;
  INSERT INTO app.orders VALUES (1001, 'SKU-1001', 5);
  UPDATE app.orders SET qty = qty - 1 WHERE id BETWEEN 2 AND 300;"
sleep 3
jshell --feedback concise --class-path "$CP" -R-Dprimary="$PRIMARY_URL" -R-Dreplica="$REPLICA_URL" \
  -R-Duser="$ADMIN_USER" -R-Dpassword="$ADMIN_PASSWORD" \
  -R-Dlogback.configurationFile="$MOD/src/test/resources/logback-test.xml" < "$HERE/inc003.jsh"
