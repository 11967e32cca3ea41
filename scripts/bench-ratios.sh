#!/usr/bin/env bash
# bench-ratios.sh: measure PopBox against redis-benchmark on the same Redis
# and print the ratios and targets of issue 5, each with PASS or FAIL.
#
# Usage: scripts/bench-ratios.sh [--url redis://HOST:PORT/DB] [--runs K]
#                                [--out DIR] [--strict] [-- popbox bench flags]
#
#   --url     measure this Redis instead of starting one (it should run
#             without persistence; the bench only touches its own prefix,
#             redis-benchmark writes the key "mylist")
#   --runs    repeat K times; the table shows medians (default 1)
#   --out     keep each run's JSON here (default: a temporary directory)
#   --strict  exit 1 when a target is missed
#
# Without --url it starts its own redis-server (--save '' --appendonly no)
# on a free loopback port and stops it at the end. The popbox binary is
# $POPBOX_BIN, or built from ./cmd/popbox. Needs redis-server,
# redis-benchmark and jq.
set -euo pipefail
cd "$(dirname "$0")/.."

url="" runs=1 out="" strict=0
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --strict) strict=1; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-ratios: unknown argument $1 (popbox bench flags go after --)" >&2; exit 2 ;;
  esac
done
for tool in redis-benchmark jq; do
  command -v "$tool" >/dev/null || { echo "bench-ratios: $tool is required" >&2; exit 2; }
done

work=$(mktemp -d)
out=${out:-$work}
mkdir -p "$out"
redis_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "bench-ratios: no free port found" >&2; return 1
}

if [ -z "$url" ]; then
  command -v redis-server >/dev/null || { echo "bench-ratios: redis-server is required (or pass --url)" >&2; exit 2; }
  port=$(free_port)
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
  redis_pid=$!
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null || { echo "bench-ratios: redis-server did not start" >&2; cat "$work/redis.log" >&2; exit 1; }
  url="redis://127.0.0.1:$port/0"
fi
hostport=${url#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}
host=${hostport%:*}; port=${hostport##*:}

bin=${POPBOX_BIN:-}
if [ -z "$bin" ]; then
  bin="$work/popbox"
  go build -o "$bin" ./cmd/popbox
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || true)
if [ -n "$commit" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+dirty"; fi

for i in $(seq 1 "$runs"); do
  echo "== run $i of $runs" >&2
  # -q prints progress with carriage returns; the last field set is the result.
  lpush=$(redis-benchmark -h "$host" -p "$port" -q -t lpush -n 200000 | tr '\r' '\n' |
    awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($(i+1) == "requests") v = $i } END { print v }')
  [ -n "$lpush" ] || { echo "bench-ratios: could not read redis-benchmark's result" >&2; exit 1; }
  redis-cli -h "$host" -p "$port" del mylist >/dev/null
  echo "   redis-benchmark lpush: $lpush ops/s" >&2
  "$bin" bench --redis "$url" --commit "$commit" "$@" >"$work/bench.json"
  jq --argjson lpush "$lpush" '. + {lpush_ops_per_s: $lpush}' "$work/bench.json" >"$out/run-$i.json"
done

# Medians across runs; ratios are taken per run, then their median.
rows=$(jq -s '
  def median: map(select(. != null)) | sort | if length == 0 then null
    elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def ph($p; f): map(.phases[$p] // null | if . == null then null else f end) | median;
  def ratio($p): map(if .phases[$p] then .phases[$p].tasks_per_s / .lpush_ops_per_s else null end) | median;
  def cpu_sum: map(if .phases.enq1.redis_cpu_us_per_task and .phases.drain.redis_cpu_us_per_task
    then .phases.enq1.redis_cpu_us_per_task + .phases.drain.redis_cpu_us_per_task else null end) | median;
  def row($name; $v; $op; $target; $unit):
    {name: $name,
     value: (if $v == null then "n/a" else ($v * 1000 | round / 1000 | tostring) + $unit end),
     target: (if $op == "" then "" else $op + " " + ($target | tostring) + $unit end),
     status: (if $op == "" then "" elif $v == null then "n/a"
      elif ($op == ">=" and $v >= $target) or ($op == "<=" and $v <= $target) then "PASS" else "FAIL" end)};
  {head: "runs: \(length), commit: \(.[0].commit // "?"), redis \(.[0].redis_version // "?"), \(.[0].cores) cores, \(.[0].go_version), n=\(.[0].n) concurrency=\(.[0].concurrency) producers=\(.[0].producers) batch=\(.[0].batch_size)",
   rows: [
     row("redis-benchmark lpush ops/s"; map(.lpush_ops_per_s) | median; ""; 0; ""),
     row("enq1 tasks/s"; ph("enq1"; .tasks_per_s); ""; 0; ""),
     row("enqG tasks/s"; ph("enqG"; .tasks_per_s); ""; 0; ""),
     row("drain tasks/s"; ph("drain"; .tasks_per_s); ""; 0; ""),
     row("e2e_split tasks/s"; ph("e2e_split"; .tasks_per_s); ""; 0; ""),
     row("drain / lpush"; ratio("drain"); ">="; 0.35; "x"),
     row("e2e_split / lpush"; ratio("e2e_split"); ">="; 0.30; "x"),
     row("lat1000 p50"; ph("lat1000"; .latency.p50_ms); "<="; 1; " ms"),
     row("lat1000 p99"; ph("lat1000"; .latency.p99_ms); "<="; 5; " ms"),
     row("lat5000 p99"; ph("lat5000"; .latency.p99_ms); "<="; 10; " ms"),
     row("first_pickup (median)"; ph("first_pickup"; .latency.p50_ms); "<="; 5; " ms"),
     row("redis cpu/task, e2e_split"; ph("e2e_split"; .redis_cpu_us_per_task); "<="; 25; " us"),
     row("redis cpu/task, enq1+drain"; cpu_sum; "<="; 25; " us"),
     row("worker peak rss, e2e_split child"; ph("e2e_split"; .peak_rss_mb); "<="; 40; " MB"),
     row("bench process peak rss, drain"; ph("drain"; .peak_rss_mb); ""; 0; " MB")
   ]}' "$out"/run-*.json)

jq -r '.head' <<<"$rows"
echo
{ printf 'measure\tvalue\ttarget\tresult\n'; jq -r '.rows[] | [.name, .value, .target, .status] | @tsv' <<<"$rows"; } |
  column -t -s $'\t'
echo
echo "not measured here: POST /task over HTTP >= 15,000 req/s (wrk or hey against popbox --role api)"
echo "JSON of each run: $out$([ "$out" = "$work" ] && echo ' (temporary; pass --out DIR to keep it)')" >&2

failed=$(jq '[.rows[] | select(.status == "FAIL")] | length' <<<"$rows")
echo "targets missed: $failed"
if [ "$strict" = 1 ] && [ "$failed" -gt 0 ]; then exit 1; fi
