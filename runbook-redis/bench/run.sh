#!/usr/bin/env bash
# Benchmark of ScanDeleteByPattern against the seed's command and the server-side ceiling, same server,
# same run. Not a test. Usage (from the repository root):
#   runbook-redis/bench/run.sh                 # 1,000,000 matching keys among 1,200,000, plus the 10M heap run
#   BIG=0 runbook-redis/bench/run.sh           # skip the 10,000,000-key heap run
#   RATE=50000 runbook-redis/bench/run.sh      # rate of the throttled run (keys/s)
#   REPS=5 runbook-redis/bench/run.sh          # rounds of (a), (b), (c) (default 3; medians compared)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
MATCHING=${MATCHING:-1000000}
OTHERS=${OTHERS:-200000}
BIG=${BIG:-10000000}
RATE=${RATE:-100000}
REPS=${REPS:-3}
PATTERN='cache:wms:stock:*'
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server" >&2; exit 1; }

echo "== building"
(cd "$ROOT" && ./mvnw -B -q -pl runbook-redis -am test-compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/bench-cp.txt" -Dmdep.includeScope=test)
CP="$MOD/target/test-classes:$MOD/target/classes:$ROOT/runbook-core/target/classes:$ROOT/runbook-test/target/classes"
CP="$CP:$(cat "$MOD/target/bench-cp.txt")"

DIR=$(mktemp -d /tmp/runbook-redis-bench-XXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --repl-diskless-sync-delay 0 \
  --daemonize yes --dir "$DIR" --pidfile "$DIR/p.pid" --logfile "$DIR/redis.log"
stop() { local pid; pid=$(cat "$DIR/p.pid" 2>/dev/null) && kill "$pid" 2>/dev/null && while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; rm -rf "$DIR"; }
trap stop EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
CLI=(redis-cli -h 127.0.0.1 -p "$PORT")

# RESP for SET <prefix><i> v, i in [0, n)
resp() {
  awk -v n="$2" -v p="$1" 'BEGIN { for (i = 0; i < n; i++) { k = p i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n", length(k), k } }'
}
load() {
  "${CLI[@]}" flushall >/dev/null
  { resp 'cache:wms:stock:' "$1"; resp 'other:' "$2"; } | "${CLI[@]}" --pipe >/dev/null
  echo "   loaded: $("${CLI[@]}" dbsize) keys, $("${CLI[@]}" --scan --pattern "$PATTERN" | wc -l) matching"
}
ms() { date +%s%3N; }
cpu() { "${CLI[@]}" info cpu | awk -F: '/^used_cpu_(user|sys):/ {s += $2} END {printf "%d", s * 1000}'; }
left() { "${CLI[@]}" --scan --pattern "$PATTERN" | wc -l; }

bench() { java -Xmx64m -cp "$CP" dev.runbook.redis.bench.ScanDeleteBench "$@" 2>/dev/null; }
field() { echo "$1" | sed -n "s/.*$2=\([0-9]*\).*/\1/p"; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# a user who may not run scripts: ScanDeleteByPattern then scans and UNLINKs from the client (as in a cluster)
"${CLI[@]}" acl setuser noscript on '>pw' '~*' '&*' +@all -eval -evalsha -script >/dev/null
NOSCRIPT="redis://noscript:pw@127.0.0.1:$PORT"
LUA="local c='0' local n=0 repeat local r=redis.call('SCAN',c,'MATCH',ARGV[1],'COUNT',1000) c=r[1] if #r[2]>0 then n=n+redis.call('UNLINK',unpack(r[2])) end until c=='0' return n"

# (a), (b) and (c) take turns REPS times (the machine's load changes between moments); medians compared
AS=(); BS=(); BPS=(); CS=()
for rep in $(seq 1 "$REPS"); do
  echo "== round $rep of $REPS"
  echo "== (a) redis-cli --scan --pattern '$PATTERN' | xargs redis-cli DEL"
  load "$MATCHING" "$OTHERS"
  s0=$(cpu); t0=$(ms); "${CLI[@]}" --scan --pattern "$PATTERN" | xargs "${CLI[@]}" DEL >/dev/null; t1=$(ms); s1=$(cpu)
  AS+=($((t1 - t0))); echo "   (a) $((t1 - t0)) ms, server cpu $((s1 - s0)) ms, left: $(left)"

  echo "== (b) ScanDeleteByPattern, default (script steps: SCAN + UNLINK server-side, one COUNT per call), java -Xmx64m"
  load "$MATCHING" "$OTHERS"
  OUT=$(bench "redis://127.0.0.1:$PORT" "$PATTERN")
  echo "$OUT" | sed 's/^/   /'
  BS+=("$(field "$OUT" apply_ms)"); BPS+=("$(field "$OUT" plan_ms)")
  echo "   (b) apply $(field "$OUT" apply_ms) ms (plan $(field "$OUT" plan_ms) ms), left: $(left)"

  echo "== (c) one Lua EVAL: SCAN COUNT 1000 + UNLINK loop (blocks the server)"
  load "$MATCHING" "$OTHERS"
  s0=$(cpu); t0=$(ms); "${CLI[@]}" eval "$LUA" 0 "$PATTERN" >/dev/null; t1=$(ms); s1=$(cpu)
  CS+=($((t1 - t0))); echo "   (c) $((t1 - t0)) ms, server cpu $((s1 - s0)) ms, left: $(left)"
done
A=$(median "${AS[@]}"); B=$(median "${BS[@]}"); BP=$(median "${BPS[@]}"); C=$(median "${CS[@]}")
echo "== medians of $REPS rounds: (a) $A ms [${AS[*]}], (b) $B ms [${BS[*]}], (c) $C ms [${CS[*]}]"
# the machine's speed drifts between rounds (a shared host): ratios within each round are steadier
python3 -c 'import sys, statistics as st
n = len(sys.argv) // 3; a, b, c = (list(map(int, sys.argv[1 + i * n:1 + (i + 1) * n])) for i in range(3))
ab = [x / y for x, y in zip(a, b)]; bc = [x / y for x, y in zip(b, c)]
print(f"== per-round ratios: a/b median {st.median(ab):.1f}x [" + " ".join(f"{x:.1f}" for x in ab)
      + f"], b/c median {st.median(bc):.2f}x [" + " ".join(f"{x:.2f}" for x in bc) + "]")' \
  "${AS[@]}" "${BS[@]}" "${CS[@]}"

echo "== (b1) ScanDeleteByPattern.recountFirst() (read-only re-count before deleting)"
load "$MATCHING" "$OTHERS"
OUT=$(bench "redis://127.0.0.1:$PORT" "$PATTERN" --recount-first)
echo "$OUT" | sed 's/^/   /'
B1=$(field "$OUT" apply_ms)
echo "   (b1) apply ${B1} ms, left: $(left)"
echo "== (b2) ScanDeleteByPattern as a user without script permission (client SCAN + pipelined UNLINK, as in a cluster)"
load "$MATCHING" "$OTHERS"
OUT=$(bench "$NOSCRIPT" "$PATTERN")
echo "$OUT" | sed 's/^/   /'
B2=$(field "$OUT" apply_ms)
echo "   (b2) apply ${B2} ms, left: $(left)"

python3 - "$A" "$B" "$BP" "$B1" "$B2" "$C" <<'PY'
import sys
a, b, bp, b1, b2, c = map(int, sys.argv[1:])
print(f"== result (medians): (a) {a} ms, (b) apply {b} ms [plan {bp} ms], (b1) recountFirst {b1} ms, (b2) client pipeline {b2} ms, (c) {c} ms")
print(f"   a/b  = {a/b:.1f}x faster than the seed's command (target >= 5x); b/c  = {b/c:.2f}x the Lua ceiling (target <= 1.5x)")
print(f"   a/c  = {a/c:.1f}x: the most any method could be faster than the seed's command on this machine now")
print(f"   a/b1 = {a/b1:.1f}x;  b1/c = {b1/c:.2f}x")
print(f"   a/b2 = {a/b2:.1f}x;  b2/c = {b2/c:.2f}x")
PY

echo "== throttled run at ${RATE} keys/s with a concurrent GET client (1 GET/ms)"
load "$MATCHING" "$OTHERS"
bench "redis://127.0.0.1:$PORT" "$PATTERN" --rate "$RATE" --probe | sed 's/^/   /'
echo "== the same, client pipeline (user without script permission)"
load "$MATCHING" "$OTHERS"
bench "$NOSCRIPT" "$PATTERN" --rate "$RATE" --probe | sed 's/^/   /'
echo "== the same concurrent GET client during an unthrottled run"
load "$MATCHING" "$OTHERS"
bench "redis://127.0.0.1:$PORT" "$PATTERN" --probe | sed 's/^/   /'

if [ "$BIG" -gt 0 ]; then
  echo "== heap at ${BIG} matching keys (java -Xmx64m)"
  load "$BIG" 0
  bench "redis://127.0.0.1:$PORT" "$PATTERN" | sed 's/^/   /'
  echo "== heap at ${BIG} matching keys, client pipeline (java -Xmx64m)"
  load "$BIG" 0
  bench "$NOSCRIPT" "$PATTERN" | sed 's/^/   /'
fi
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(redis-server --version | cut -d' ' -f3)"
