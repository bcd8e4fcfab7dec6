#!/usr/bin/env bash
# The data plane under load, on this machine, in one run (see bench/README.md):
#   bench/data-plane.sh [SECONDS] [CONNECTIONS]   requests/s and p50/p99 of a cheap mock OpenAI server directly, of
#                                                 Ember's data plane proxying to it and of the Portkey gateway
#                                                 proxying to it (wrk, closed loop), their ratios, and the p99 that
#                                                 Ember adds at a fixed 1,000 requests/s (open loop, the mock directly
#                                                 and through Ember in alternating segments: BENCH_PAIRS pairs, default
#                                                 6, of BENCH_SEGMENT seconds, default 10); defaults 20 64
#   bench/data-plane.sh sse [STREAMS] [SECONDS]   STREAMS concurrent SSE streams held open from the simulated engine
#                                                 (one replica: its batch generates, the rest wait in its queue),
#                                                 with the data plane's RSS from /proc; defaults 10000 60
#   bench/data-plane.sh sse-proxy [STREAMS] [SECONDS]   the same through the data plane's proxy to a slowly
#                                                 streaming mock (two sockets per stream)
# Ember runs as ./ember up runs it (embedded PostgreSQL and Kafka, the data plane's own JVM flags); the scheduler and
# control plane are stopped once the benched deployment is set up. Needs a JDK 17+, node and npm; installs wrk with
# apt-get when it is missing, and the Portkey gateway into bench/node/node_modules.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
MODE=throughput
if [[ "${1:-}" == "sse" || "${1:-}" == "sse-proxy" ]]; then
  MODE="$1"
  shift
fi
MOCK_PORT="${BENCH_MOCK_PORT:-18091}"
PORTKEY_PORT="${BENCH_PORTKEY_PORT:-18092}"
RATE=1000
PAIRS="${BENCH_PAIRS:-6}"
SEGMENT="${BENCH_SEGMENT:-10}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [[ "$MODE" == throughput ]] && ! command -v wrk >/dev/null; then
  echo "Installing wrk (apt-get install wrk)..."
  apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
if [[ "$MODE" == throughput && ! -d bench/node/node_modules/@portkey-ai/gateway ]]; then
  echo "Installing the Portkey gateway into bench/node/node_modules (npm ci)..."
  (cd bench/node && npm ci --no-audit --no-fund --silent)
fi
echo "Building Ember (data plane and launcher)..."
# One reactor build, so the classpath names this checkout's modules, never jars from the local repository.
./mvnw -B -ntp -q -pl deploy/local -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="deploy/local/target/test-classes:deploy/local/target/classes:common/target/classes:test-support/target/classes"
CP="$CP:$(cat deploy/local/target/bench.classpath)"
# The mock and the load clients are single-file Java on Vert.x, from the data plane's own libraries.
TOOLS=(java -Xmx512m -XX:+UseSerialGC -cp "data-plane/target/quarkus-app/lib/main/*" bench/OpenAiBench.java)

WORK="$(mktemp -d /tmp/ember-bench-data-plane.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for() { # URL-or-file, what, seconds
  for _ in $(seq 1 "$3"); do
    if [[ "$1" == http* ]]; then
      curl -s -o /dev/null -X POST "$1" -d '{}' && return 0
    elif [[ -f "$1" ]]; then
      return 0
    fi
    sleep 1
  done
  echo "$2 did not start in $3 s; logs in $WORK" >&2
  exit 1
}

if [[ "$MODE" == sse* ]]; then
  STREAMS="${1:-10000}"
  SECONDS_HELD="${2:-60}"
fi
if [[ "$MODE" == sse ]]; then
  # No mock: the streams are served by the simulated engine (one replica of bench-engine).
  export QUARKUS_HTTP_ACCEPT_BACKLOG=16384
elif [[ "$MODE" == sse-proxy ]]; then
  # A token every 5 s for the whole hold: the streams stay open, and pass 2,000 chunks/s at 10,000 streams.
  "${TOOLS[@]}" server "$MOCK_PORT" 5000 $((SECONDS_HELD + 120)) >"$WORK/mock.log" 2>&1 &
  # Each event loop keeps its share of the upstream connections: twice STREAMS leaves room for uneven shares.
  export DATAPLANE_PROXY_MAX_CONNECTIONS_PER_HOST=$((2 * STREAMS))
  # Thousands of connections opened at once to a mock on a busy machine: give each more than the default 5 s.
  export DATAPLANE_PROXY_CONNECT_TIMEOUT=PT30S
  export QUARKUS_HTTP_ACCEPT_BACKLOG=16384
else
  "${TOOLS[@]}" server "$MOCK_PORT" >"$WORK/mock.log" 2>&1 &
fi
if [[ "$MODE" != sse ]]; then
  PIDS+=($!)
  wait_for "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "the mock OpenAI server" 60
fi

echo "Starting Ember (embedded PostgreSQL and Kafka; logs in $WORK)..."
if [[ "$MODE" != sse ]]; then
  export DATAPLANE_PROXY_UPSTREAMS_BENCH_DEPLOYMENT=accounts/local/deployments/bench-proxy
  export DATAPLANE_PROXY_UPSTREAMS_BENCH_URLS="http://127.0.0.1:$MOCK_PORT/v1"
  export DATAPLANE_PROXY_UPSTREAMS_BENCH_MODEL=mock-model
fi
java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" \
  dev.ember.local.DataPlaneBench "$WORK/ember.env" "$WORK/home" "$([[ "$MODE" == sse ]] && echo engine || echo proxy)" \
  >"$WORK/platform.log" 2>&1 &
PIDS+=($!)
wait_for "$WORK/ember.env" "Ember" 300
# shellcheck disable=SC1091
source "$WORK/ember.env"

rss() { awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$1/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [[ "$MODE" == sse* ]]; then
  echo
  if [[ "$MODE" == sse ]]; then
    echo "== $STREAMS concurrent SSE streams from the simulated engine (one replica), held ${SECONDS_HELD} s =="
    PER_SOCKET=1
    MAX_TOKENS=1000 # the batch generates while the rest wait in its queue; a reply that ends is followed by another
  else
    echo "== $STREAMS concurrent SSE streams through the data plane's proxy, held ${SECONDS_HELD} s =="
    PER_SOCKET=2
    MAX_TOKENS=1000
  fi
  echo "load average before: $(load); data plane (pid $EMBER_PID) RSS before: $(rss "$EMBER_PID")"
  if (($(ulimit -n) < PER_SOCKET * STREAMS + 2000)); then
    echo "note: open files limited to $(ulimit -n) here (hard limit); the data plane holds $PER_SOCKET per stream"
  fi
  "${TOOLS[@]}" hold-streams "$EMBER_URL/chat/completions" "$EMBER_KEY" "$EMBER_MODEL" "$STREAMS" \
    "$SECONDS_HELD" "$MAX_TOKENS" >"$WORK/streams.log" 2>&1 &
  CLIENT=$!
  PIDS+=("$CLIENT")
  PEAK=0
  while kill -0 "$CLIENT" 2>/dev/null; do
    KB=$(awk '/VmRSS/ { print $2 }' "/proc/$EMBER_PID/status")
    ((KB > PEAK)) && PEAK=$KB
    printf '  %s | data plane RSS %d MiB\n' "$(tail -n 1 "$WORK/streams.log")" $((KB / 1024))
    sleep 5
  done
  tail -n 1 "$WORK/streams.log"
  echo "data plane peak RSS while holding the streams: $((PEAK / 1024)) MiB (goal: < 1024 MiB)"
  echo "load average after: $(load) (2 cores, shared)"
  exit 0
fi

SECONDS_RUN="${1:-20}"
CONNECTIONS="${2:-64}"
echo "Starting the Portkey gateway on port $PORTKEY_PORT..."
(cd bench/node && TRUSTED_CUSTOM_HOSTS=127.0.0.1,localhost exec node \
  node_modules/@portkey-ai/gateway/build/start-server.js --port="$PORTKEY_PORT" --headless >"$WORK/portkey.log" 2>&1) &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "the Portkey gateway" 60

BODY_OF() { printf '{"model": "%s", "max_tokens": 16, "messages": [{"role": "user", "content": "Say hello"}]}' "$1"; }
PORTKEY_HEADERS="x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$MOCK_PORT/v1"
declare -A URL BODY HEADERS MODEL KEY EXTRA
URL[direct]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"; MODEL[direct]=mock-model; KEY[direct]=sk-mock
URL[ember]="$EMBER_URL/chat/completions"; MODEL[ember]="$EMBER_MODEL"; KEY[ember]="$EMBER_KEY"
URL[portkey]="http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"; MODEL[portkey]=mock-model; KEY[portkey]=sk-mock
for t in direct ember portkey; do
  BODY[$t]="$(BODY_OF "${MODEL[$t]}")"
  HEADERS[$t]="Authorization: Bearer ${KEY[$t]}"
done
HEADERS[portkey]="${HEADERS[portkey]}|$PORTKEY_HEADERS"

# Each answers the same request first, so a misconfigured target fails here rather than in the figures.
for t in direct ember portkey; do
  args=(-s -X POST "${URL[$t]}" -H "Content-Type: application/json" -d "${BODY[$t]}")
  IFS='|' read -ra hs <<<"${HEADERS[$t]}"
  for h in "${hs[@]}"; do args+=(-H "$h"); done
  reply="$(curl "${args[@]}")"
  [[ "$reply" == *'"chatcmpl-mock"'* ]] || { echo "$t did not answer with the mock's completion: $reply" >&2; exit 1; }
done

declare -A RPS P50 P99 NON2XX
wrk_run() { # target seconds -> sets RPS P50 P99
  local out
  out="$(BENCH_BODY="${BODY[$1]}" BENCH_HEADERS="${HEADERS[$1]}" wrk -t1 -c"$CONNECTIONS" -d"$2"s --latency \
    -s bench/post.lua "${URL[$1]}")"
  echo "$out" >"$WORK/wrk-$1.txt"
  RPS[$1]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")"
  P50[$1]="$(awk '$1 == "50%" { print $2 }' <<<"$out")"
  P99[$1]="$(awk '$1 == "99%" { print $2 }' <<<"$out")"
  NON2XX[$1]="$(awk '/Non-2xx/ { print $5 }' <<<"$out")"
}

echo
echo "load average at start: $(load) (2 cores, shared with whatever else runs here)"
echo "== closed loop: wrk, 1 thread, $CONNECTIONS connections, ${SECONDS_RUN} s each (after a warm-up) =="
for t in direct ember portkey; do
  wrk_run "$t" 10 >/dev/null
  wrk_run "$t" "$SECONDS_RUN"
  printf '%-8s %8s req/s   p50 %-9s p99 %-9s non-2xx: %s\n' "$t" "${RPS[$t]}" "${P50[$t]}" "${P99[$t]}" \
    "${NON2XX[$t]:-0}"
done
echo "ratios: Ember / Portkey requests/s = $(awk -v a="${RPS[ember]}" -v b="${RPS[portkey]}" \
  'BEGIN { printf "%.1fx", a / b }') (goal: >= 10x); Ember / direct = $(awk -v a="${RPS[ember]}" \
  -v b="${RPS[direct]}" 'BEGIN { printf "%.2f", a / b }')"

echo
echo "== open loop: $RATE requests/s, 64 connections at most; latency of each request from when it was issued at its"
echo "   due time, in microseconds. The mock directly (A) and through Ember (B) in turn on one schedule: 10 s of each"
echo "   (warm-up), then $PAIRS pairs of ${SEGMENT} s of each (A first in odd pairs, B first in even ones) =="
PAIRS_OUT="$("${TOOLS[@]}" pairs "$RATE" "$SEGMENT" "$PAIRS" "${URL[direct]}" "${KEY[direct]}" "${MODEL[direct]}" \
  "${URL[ember]}" "${KEY[ember]}" "${MODEL[ember]}" 2>>"$WORK/tools.log")"
us() { sed -E "s/.*[ ^]$2=(-?[0-9]+).*/\1/" <<<" $1"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'; }
while read -r line; do
  [[ "$line" == pair=* ]] || continue
  printf 'pair %s (%s first): mock p99 %s us, Ember p99 %s us: p99 added %s (p50 %s / %s us)\n' "$(us "$line" pair)" \
    "$([[ "$line" == *order=AB* ]] && echo mock || echo Ember)" "$(us "$line" a_p99_us)" "$(us "$line" b_p99_us)" \
    "$(ms "$(us "$line" added_p99_us)")" "$(us "$line" a_p50_us)" "$(us "$line" b_p50_us)"
done <<<"$PAIRS_OUT"
ALL="$(grep '^all' <<<"$PAIRS_OUT")"
echo "all pairs ($(us "$ALL" done) requests, $(us "$ALL" errors) errors): mock directly p50 $(us "$ALL" a_p50_us) us," \
  "p99 $(us "$ALL" a_p99_us) us; Ember p50 $(us "$ALL" b_p50_us) us, p99 $(us "$ALL" b_p99_us) us"
echo "p99 added by Ember at $RATE req/s: $(ms "$(us "$ALL" added_p99_us)") (goal: <= 1 ms); p50 added:" \
  "$(ms "$(us "$ALL" added_p50_us)")"
IFS='|' read -ra hs <<<"${HEADERS[portkey]}"
extra=()
for h in "${hs[@]}"; do [[ "$h" == Authorization:* ]] || extra+=("${h/: /:}"); done
PORTKEY_OUT="$("${TOOLS[@]}" rate "${URL[portkey]}" "${KEY[portkey]}" "${MODEL[portkey]}" "$RATE" "$SECONDS_RUN" \
  "${extra[@]}" 2>>"$WORK/tools.log")"
printf 'portkey  %s (alone, %s s after 10 s of warm-up)\n' "$PORTKEY_OUT" "$SECONDS_RUN"
echo "p99 added by Portkey at $RATE req/s: $(ms $(($(us "$PORTKEY_OUT" p99_us) - $(us "$ALL" a_p99_us)))) (against" \
  "the mock's p99 of all pairs)"
echo "load average at end: $(load); data plane RSS: $(rss "$EMBER_PID"); wrk output in $WORK"
