#!/usr/bin/env bash
# How long an on-call engineer waits: from typing ./jshell-runbook to the first printed plan of a small
# runbook (a Redis memory probe and a scan-delete dry run against a local redis-server), median of N runs,
# printed beside a bare `jshell` that starts and exits, measured in the same run; then the same again with
# one of the machine's cores kept busy by a loop (as when a build or a browser runs beside the session).
#   runbook-examples/bench/jshell-start.sh [runs=5]
# Includes the launcher's up-to-date check (nothing changed since the last build: no Maven run). Builds
# once first if needed (not timed). Needs redis-server on the PATH.
set -euo pipefail
runs="${1:-5}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 1; }
"$root/jshell-runbook" /dev/stdin <<<'/exit' >/dev/null 2>&1 # build if anything changed, not timed
dir=$(mktemp -d /tmp/runbook-jshell-bench-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$dir" \
  --pidfile "$dir/p.pid" --logfile "$dir/redis.log" --maxmemory 100mb
busy=""
stop() {
  local pid; pid=$(cat "$dir/p.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
  [ -n "$busy" ] && kill "$busy" 2>/dev/null
  rm -rf "$dir"
}
trap stop EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
for i in $(seq 1 2000); do echo "SET cache:wms:stock:$i x"; done | redis-cli -p "$port" >/dev/null
cat > "$dir/session.jsh" <<JSH
var redis = RedisActions.connect("redis://127.0.0.1:$port");
println(redis.memory().read());
println(redis.scanDelete("cache:wms:stock:*").plan(ActionContext.standalone()).summary());
System.out.println("FIRST-PLAN-PRINTED");
/exit
JSH
echo '/exit' > "$dir/exit.jsh"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Milliseconds from the start of a command to the line FIRST-PLAN-PRINTED (or to its exit).
timed() {
  local marker="$1"; shift
  local t0; t0=$(ms)
  if [ -n "$marker" ]; then
    "$@" 2>&1 | while IFS= read -r line; do
      if [[ "$line" == *"$marker"* ]]; then echo $(( $(ms) - t0 )); fi
    done
  else
    "$@" >/dev/null 2>&1
    echo $(( $(ms) - t0 ))
  fi
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
series() {
  local ours=() bare=()
  for i in $(seq 1 "$runs"); do
    bare+=("$(timed '' jshell "$dir/exit.jsh")")
    ours+=("$(timed FIRST-PLAN-PRINTED "$root/jshell-runbook" "$dir/session.jsh")")
  done
  echo "  bare jshell start+exit, ms:                  ${bare[*]}  median $(printf '%s\n' "${bare[@]}" | median)"
  echo "  ./jshell-runbook to first printed plan, ms:  ${ours[*]}  median $(printf '%s\n' "${ours[@]}" | median)"
}
echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "quiet:"
series
( while :; do :; done ) &
busy=$!
echo "one core busy (a shell loop):"
series
kill "$busy"; busy=""
echo "the session's output:"
"$root/jshell-runbook" "$dir/session.jsh" 2>&1 | sed 's/^/  /'
