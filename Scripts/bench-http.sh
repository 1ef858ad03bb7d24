#!/usr/bin/env bash
# HTTP load benchmark of the sample services with wrk (HTTP/1.1, keep-alive).
#
# Builds the project in release mode, starts `serviceauth idp` and the sample services
# (inventory, orders, gateway) on free loopback ports, and drives them with wrk for fixed
# durations, alternating the configurations of each pair A/B/A/B so that drift of the machine
# (other load, thermal state) hits both sides alike. Prints a table of requests/s and latency
# percentiles with the B/A ratios, and writes the raw results as TSV for
# Scripts/plot-benchmarks.py.
#
# Pairs:
#   whoami  A = gateway GET /whoami without auth     B = the same with a user bearer JWT
#           C = A sent the same bearer header, which it does not read (the header's own cost)
#   chain   A = gateway → orders → inventory without auth   B = the same with auth
#           (GET /orders/{id}: user JWT verified by every hop, client-credentials token
#           gateway → orders, SigV4 orders → inventory)
#   peer    the server a Swift user would pick instead, side by side (Benchmarks/Sources/
#           HummingbirdPeer): Hummingbird 2 GET /hello vs our gateway GET /healthz (no auth on
#           that route), and Hummingbird + hummingbird-auth + jwt-kit GET /whoami (RS256 verified
#           per request) vs our gateway GET /whoami (caches on) and a second gateway that verifies
#           every token in full (--no-token-cache); run in turn, round after round
#   open    the chain at a fixed request rate (Benchmarks/Sources/OpenLoopLoad): latency from
#           each request's due time, auth vs no auth (closed-loop wrk hides stalls)
# "Without auth" runs the same binaries with `--no-auth` when they support it. When they do
# not, the whoami baseline falls back to the public GET /healthz of the same server and the
# chain pair is skipped; the table says so.
#
# Environment: DURATION (seconds per run, default 8), CONNECTIONS (default 32),
# THREADS (wrk threads, default 1: the other core is the server's), ROUNDS (A/B rounds per
# pair, default 3),
# OUT (results folder, default .build/bench-http), SKIP_BUILD=1 to reuse a release build,
# PEER=0 to skip the Hummingbird peer, OPEN_RATE (requests/s of the open-loop chain runs;
# default `auto`: half the authenticated chain's closed-loop throughput measured above, so
# both sides run below saturation; 0 skips them), OPEN_CONNECTIONS (default 64), PROFILE=1 to record the
# gateway with `perf record -e cpu-clock -g` under /healthz and /whoami load afterwards, and
# orders and inventory (auth and --no-auth) under chain load, and write the top frames to
# $OUT/profile-*.txt.
# Requires: swift, python3, wrk and curl (both installed with apt-get when missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-3}
PROFILE=${PROFILE:-0}
OUT=${OUT:-$ROOT/.build/bench-http}
PEER=${PEER:-1}
OPEN_RATE=${OPEN_RATE:-auto}
OPEN_CONNECTIONS=${OPEN_CONNECTIONS:-64}
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"

log() { printf '[bench-http] %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------
install_packages() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  log "installing $* from Debian's packages"
  $sudo apt-get install -y "$@" >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y "$@" >/dev/null; }
}
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then install_packages "${missing[@]}"; fi
command -v python3 >/dev/null 2>&1 || { echo "error: python3 is required" >&2; exit 2; }
# h2load would drive HTTP/2; the project's server speaks HTTP/1.1 only, so wrk alone is used.

# --- build -------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building release binaries"
  swift build -c release --package-path "$ROOT" >&2
  if [ "$PEER" = 1 ] || [ "$OPEN_RATE" != 0 ]; then
    log "building the Hummingbird peer and the open-loop generator (Benchmarks package)"
    swift build -c release --package-path "$ROOT/Benchmarks" --product HummingbirdPeer >&2
    swift build -c release --package-path "$ROOT/Benchmarks" --product OpenLoopLoad >&2
  fi
fi
BIN=$(swift build -c release --package-path "$ROOT" --show-bin-path)
BENCH_BIN=$(swift build -c release --package-path "$ROOT/Benchmarks" --show-bin-path)
for executable in serviceauth gateway orders inventory; do
  [ -x "$BIN/$executable" ] || { echo "error: $BIN/$executable is missing (are the sample services built?)" >&2; exit 2; }
done

# --- processes ---------------------------------------------------------------------------
# shellcheck source=lib/servers.sh
source "$ROOT/Scripts/lib/servers.sh"   # $workdir, start NAME CMD... (sets $url), cleanup on exit

# supports BINARY FLAG : whether the binary's --help mentions the flag.
supports() { "$BIN/$1" --help 2>&1 | grep -q -- "$2"; }

# The issuer calls the services can make per request, from the issuer's own counters: token
# requests (client credentials, InitiateAuth), AssumeRole and GetCallerIdentity. (JWKS
# fetches are not counted by the issuer; the services' JWKS caches keep them to one per key
# set and max-age.) The chain must make none per request in steady state.
issuer_calls() {
  curl -fsS "$IDP/metrics" | python3 -c '
import sys
total = 0.0
for line in sys.stdin:
    if line.startswith("#"): continue
    name = line.split("{")[0].split(" ")[0]
    if name in ("serviceauth_idp_token_requests_total", "serviceauth_idp_assume_role_total",
                "serviceauth_idp_get_caller_identity_total"):
        total += float(line.rsplit(" ", 1)[1])
print(int(total))'
}

WRK_SCRIPT="$OUT/report.lua"
cat >"$WRK_SCRIPT" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.mean))
end
LUA

printf 'pair\tconfig\tround\trequests_per_s\tp50_us\tp75_us\tp90_us\tp99_us\tp999_us\tmean_us\terrors\tnon2xx\tissuer_calls\trequests\n' >"$RESULTS"

# run PAIR CONFIG ROUND URL [HEADER...] : one wrk run, appended to the results.
run() {
  local pair=$1 config=$2 round=$3 url=$4
  shift 4
  local headers=()
  local header
  for header in "$@"; do headers+=(-H "$header"); done
  # A short warm-up on fresh connections, so caches and connection pools are in steady state.
  wrk -t1 -c"$CONNECTIONS" -d2s "${headers[@]}" "$url" >/dev/null
  local before after line
  before=$(issuer_calls)
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$WRK_SCRIPT" "${headers[@]}" "$url" | grep '^RESULT')
  after=$(issuer_calls)
  python3 - "$pair" "$config" "$round" "$line" "$((after - before))" >>"$RESULTS" <<'PY'
import sys
pair, config, rnd, line, calls = sys.argv[1:6]
f = line.split("\t")[1:]
requests, duration_us, errors, non2xx = int(f[0]), int(f[1]), int(f[2]), int(f[3])
p50, p75, p90, p99, p999, mean = f[4:10]
rps = requests / (duration_us / 1e6)
print("\t".join([pair, config, rnd, f"{rps:.0f}", p50, p75, p90, p99, p999, mean, str(errors), str(non2xx), calls, str(requests)]))
PY
  log "$pair/$config round $round: $(tail -n 1 "$RESULTS" | cut -f4) req/s, p99 $(tail -n 1 "$RESULTS" | cut -f8) µs"
}

# --- services ----------------------------------------------------------------------------
start idp "$BIN/serviceauth" idp --port 0 --session-key-file "$OUT/idp-session.key"
IDP=$url
POOL=us-east-1_LOCAL
ISSUER="$IDP/$POOL"
JWKS="$ISSUER/.well-known/jwks.json"
CREDENTIALS="$OUT/inventory-credentials.json"
echo '[]' >"$CREDENTIALS"

USER_TOKEN=$(curl -fsS "$IDP/" -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
  -H 'Content-Type: application/x-amz-json-1.1' \
  -d '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["AccessToken"])')

# start_chain SUFFIX [EXTRA_FLAG] : inventory, orders and gateway, with or without auth.
start_chain() {
  local suffix=$1 extra=${2:-}
  local flags=()
  if [ -n "$extra" ]; then flags=("$extra"); fi
  start "inventory$suffix" "$BIN/inventory" --port 0 --region us-east-1 --service execute-api \
    --credentials "$CREDENTIALS" --trust-issuer-sts "$OUT/idp-session.key" \
    --issuer "$ISSUER" --jwks-uri "$JWKS" --client-id web "${flags[@]}"
  INVENTORY=$url
  start "orders$suffix" "$BIN/orders" --port 0 --issuer "$ISSUER" --jwks-uri "$JWKS" --client-id gateway \
    --user-client-id web --inventory-url "$INVENTORY" --sts-endpoint "$IDP/" \
    --access-key-id AKIAORDERSSERVICE001 --secret-access-key orders-service-secret-access-key \
    --role-arn arn:aws:iam::123456789012:role/orders --region us-east-1 --service execute-api "${flags[@]}"
  ORDERS=$url
  start_gateway "$suffix" "$ORDERS" "${flags[@]}"
}

# start_gateway SUFFIX ORDERS_URL [FLAG...] : a gateway in front of ORDERS_URL (sets $GATEWAY).
start_gateway() {
  local suffix=$1 orders=$2
  shift 2
  start "gateway$suffix" "$BIN/gateway" --port 0 --issuer "$ISSUER" --jwks-uri "$JWKS" --client-id web \
    --token-use access --orders-url "$orders" --token-endpoint "$IDP/oauth2/token" \
    --outbound-client-id gateway --client-secret gateway-secret --scope orders/invoke "$@"
  GATEWAY=$url
}

start_chain ""
GATEWAY_AUTH=$GATEWAY
ORDERS_AUTH=$ORDERS
GATEWAY_AUTH_PID=${pids[-1]}
ORDERS_AUTH_PID=${pids[-2]}
INVENTORY_AUTH_PID=${pids[-3]}
AUTH_HEADER="Authorization: Bearer $USER_TOKEN"
curl -fsS "$GATEWAY_AUTH/orders/1" -H "$AUTH_HEADER" >"$OUT/chain-sample.json" ||
  { echo "error: the authenticated chain does not answer GET /orders/1; the services' stderr:" >&2; tail -n 20 "$workdir"/*.err >&2; exit 1; }

NO_AUTH=0
if supports gateway --no-auth && supports orders --no-auth && supports inventory --no-auth; then
  start_chain "-noauth" --no-auth
  GATEWAY_NOAUTH=$GATEWAY
  ORDERS_NOAUTH_PID=${pids[-2]}
  INVENTORY_NOAUTH_PID=${pids[-3]}
  NO_AUTH=1
else
  log "the samples have no --no-auth flag: whoami baseline = GET /healthz, chain pair skipped"
fi

for round in $(seq 1 "$ROUNDS"); do
  if [ "$NO_AUTH" = 1 ]; then
    run whoami "A: no auth" "$round" "$GATEWAY_NOAUTH/whoami"
  else
    run whoami "A: no auth (/healthz)" "$round" "$GATEWAY_AUTH/healthz"
  fi
  run whoami "B: bearer JWT" "$round" "$GATEWAY_AUTH/whoami" "$AUTH_HEADER"
  if [ "$NO_AUTH" = 1 ]; then
    # The same ~1 KB header sent to the server that does not read it: what the header costs
    # NIO's decoder and the conversion to swift-http-types, before any authentication.
    run whoami "C: no auth, bearer header sent (not read)" "$round" "$GATEWAY_NOAUTH/whoami" "$AUTH_HEADER"
  fi
done
for round in $(seq 1 "$ROUNDS"); do
  if [ "$NO_AUTH" = 1 ]; then
    run chain "A: no auth" "$round" "$GATEWAY_NOAUTH/orders/1"
  fi
  run chain "B: auth" "$round" "$GATEWAY_AUTH/orders/1" "$AUTH_HEADER"
done

# --- the peer, side by side ------------------------------------------------------------
if [ "$PEER" = 1 ]; then
  # A second gateway in front of the same orders that verifies every token in full
  # (`--no-token-cache`): issue 14's "cache off" goal against the peer, which verifies RSA on
  # every request too.
  NO_CACHE=0
  if supports gateway --no-token-cache; then
    start_gateway "-nocache" "$ORDERS_AUTH" --no-token-cache
    GATEWAY_NOCACHE=$GATEWAY
    NO_CACHE=1
  fi
  [ -x "$BENCH_BIN/HummingbirdPeer" ] || { echo "error: $BENCH_BIN/HummingbirdPeer is missing (PEER=0 skips it)" >&2; exit 2; }
  curl -fsS "$JWKS" >"$OUT/jwks.json"
  start peer "$BENCH_BIN/HummingbirdPeer" --port 0 --jwks-file "$OUT/jwks.json" --issuer "$ISSUER" --client-id web
  PEER_URL=$url
  curl -fsS "$PEER_URL/whoami" -H "$AUTH_HEADER" >/dev/null ||
    { echo "error: the peer does not verify the user token; its stderr:" >&2; cat "$workdir/peer.err" >&2; exit 1; }
  for round in $(seq 1 "$ROUNDS"); do
    run peer "1 Hummingbird, no auth (/hello)" "$round" "$PEER_URL/hello"
    run peer "2 this project, no auth on the route (/healthz)" "$round" "$GATEWAY_AUTH/healthz"
    run peer "3 Hummingbird + jwt-kit, RS256 per request (/whoami)" "$round" "$PEER_URL/whoami" "$AUTH_HEADER"
    run peer "4 this project, user JWT, caches on (/whoami)" "$round" "$GATEWAY_AUTH/whoami" "$AUTH_HEADER"
    if [ "$NO_CACHE" = 1 ]; then
      run peer "5 this project, user JWT, RS256 per request (/whoami, --no-token-cache)" "$round" "$GATEWAY_NOCACHE/whoami" "$AUTH_HEADER"
    fi
  done
fi

# --- the chain at a fixed rate (open loop) ---------------------------------------------
OPEN_RESULTS="$OUT/open-loop.tsv"
printf 'config\tround\tdue\tcompleted\terrors\tnon2xx\tachieved_rps\tp50_us\tp90_us\tp99_us\tp999_us\tmax_us\n' >"$OPEN_RESULTS"
if [ "$OPEN_RATE" = auto ]; then
  # An open-loop rate above what the slower side can serve measures its queue, not its latency.
  OPEN_RATE=$(python3 - "$RESULTS" <<'PY'
import csv, statistics, sys
rates = [float(r["requests_per_s"]) for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")
         if r["pair"] == "chain" and r["config"].startswith("B")]
print(max(50, int(statistics.median(rates) / 2 / 50) * 50) if rates else 0)
PY
)
  log "open-loop rate: $OPEN_RATE requests/s (half the authenticated chain's closed-loop throughput)"
fi
if [ "$OPEN_RATE" != 0 ] && [ "$NO_AUTH" = 1 ]; then
  [ -x "$BENCH_BIN/OpenLoopLoad" ] || { echo "error: $BENCH_BIN/OpenLoopLoad is missing (OPEN_RATE=0 skips it)" >&2; exit 2; }
  open_run() {
    local config=$1 round=$2 url=$3
    shift 3
    local headers=() header line
    for header in "$@"; do headers+=(--header "$header"); done
    line=$("$BENCH_BIN/OpenLoopLoad" --url "$url" --rate "$OPEN_RATE" --duration "$DURATION" \
      --connections "$OPEN_CONNECTIONS" "${headers[@]}" 2>>"$OUT/open-loop.err" | grep '^RESULT')
    printf '%s\t%s\t%s\n' "$config" "$round" "$(printf '%s' "$line" | cut -f2-)" >>"$OPEN_RESULTS"
    log "open/$config round $round: p99 $(tail -n 1 "$OPEN_RESULTS" | cut -f10) µs at $OPEN_RATE req/s"
  }
  for round in $(seq 1 "$ROUNDS"); do
    open_run "A: no auth" "$round" "$GATEWAY_NOAUTH/orders/1"
    open_run "B: auth" "$round" "$GATEWAY_AUTH/orders/1" "$AUTH_HEADER"
  done
fi

# --- profiles (PROFILE=1) ----------------------------------------------------------------
# profile NAME URL [HEADER...] : perf samples of the authenticating gateway while wrk loads URL
# (PROFILED_PID, when set, names another process to record).
profile() {
  local name=$1 url=$2
  shift 2
  local headers=() header
  for header in "$@"; do headers+=(-H "$header"); done
  perf record -q -e cpu-clock -F 2000 -g -p "${PROFILED_PID:-$GATEWAY_AUTH_PID}" -o "$OUT/perf-$name.data" -- sleep "$DURATION" 2>/dev/null &
  local recorder=$!
  # wrk's own report is kept: samples per request need the requests served meanwhile.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "${headers[@]}" "$url" >"$OUT/wrk-$name.txt"
  wait "$recorder" || true
  perf report -i "$OUT/perf-$name.data" --no-children --sort symbol -g none --stdio 2>/dev/null |
    grep -E "^ +[0-9.]+%" | awk "NR <= 40" | swift demangle --simplified >"$OUT/profile-$name.txt"
  log "profile under $name: $OUT/profile-$name.txt"
}
if [ "$PROFILE" = 1 ]; then
  command -v perf >/dev/null 2>&1 || install_packages linux-perf
  profile healthz "$GATEWAY_AUTH/healthz"
  profile whoami "$GATEWAY_AUTH/whoami" "$AUTH_HEADER"
  # The chain's middle and last hops under chain load, with auth and without: the difference
  # is what authentication costs a hop (outbound token, SigV4 signing and verification).
  if [ "$NO_AUTH" = 1 ]; then
    PROFILED_PID=$ORDERS_AUTH_PID profile chain-orders "$GATEWAY_AUTH/orders/1" "$AUTH_HEADER"
    PROFILED_PID=$ORDERS_NOAUTH_PID profile chain-orders-noauth "$GATEWAY_NOAUTH/orders/1"
    PROFILED_PID=$INVENTORY_AUTH_PID profile chain-inventory "$GATEWAY_AUTH/orders/1" "$AUTH_HEADER"
    PROFILED_PID=$INVENTORY_NOAUTH_PID profile chain-inventory-noauth "$GATEWAY_NOAUTH/orders/1"
  fi
fi

# --- summary -----------------------------------------------------------------------------
{
  echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds per configuration, alternating A/B"
  python3 - "$RESULTS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
pairs = {}
for row in rows:
    pairs.setdefault(row["pair"], {}).setdefault(row["config"], []).append(row)
cols = ["requests_per_s", "p50_us", "p90_us", "p99_us", "p999_us"]
print()
print("| pair | configuration | req/s | p50 µs | p90 µs | p99 µs | p99.9 µs | non-2xx | issuer calls / request |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
medians = {}
for pair, configs in pairs.items():
    for config, runs in configs.items():
        m = {c: statistics.median(float(r[c]) for r in runs) for c in cols}
        calls = sum(int(r["issuer_calls"]) for r in runs) / max(1, sum(int(r["requests"]) for r in runs))
        non2xx = sum(int(r["non2xx"]) + int(r["errors"]) for r in runs)
        medians[(pair, config[0])] = m
        print(f"| {pair} | {config} | {m['requests_per_s']:.0f} | {m['p50_us']:.0f} | {m['p90_us']:.0f} | {m['p99_us']:.0f} | {m['p999_us']:.0f} | {non2xx} | {calls:.6f} |")
print()
for pair in pairs:
    a, b, c = medians.get((pair, "A")), medians.get((pair, "B")), medians.get((pair, "C"))
    if a and b:
        print(f"{pair}: throughput B/A = {b['requests_per_s'] / a['requests_per_s']:.3f}, "
              f"p50 B/A = {b['p50_us'] / a['p50_us']:.3f}, p99 B/A = {b['p99_us'] / a['p99_us']:.3f}")
    if a and c:
        print(f"{pair}: throughput C/A = {c['requests_per_s'] / a['requests_per_s']:.3f} (the header alone), "
              f"B/C = {b['requests_per_s'] / c['requests_per_s']:.3f} (authentication alone)")
peer = {key[1]: value for key, value in medians.items() if key[0] == "peer"}
if all(k in peer for k in "1234"):
    rps = {k: peer[k]["requests_per_s"] for k in "1234"}
    print()
    print("Side by side with the peer (median req/s ratios):")
    print(f"- the server without auth vs Hummingbird bare: {rps['2'] / rps['1']:.2f} x (goal >= 1.10)")
    print(f"- JWT auth (caches on) vs Hummingbird + jwt-kit: {rps['4'] / rps['3']:.2f} x (goal >= 2.0)")
    print(f"- JWT auth (caches on, /whoami) vs the same server's /healthz: {rps['4'] / rps['2']:.2f} x")
    if "5" in peer:
        print(f"- JWT auth, every request a full RS256 verify (cache off) vs Hummingbird + jwt-kit: "
              f"{peer['5']['requests_per_s'] / rps['3']:.2f} x (goal >= 1.25)")
whoami = {key[1]: value for key, value in medians.items() if key[0] == "whoami"}
if "A" in whoami and "B" in whoami:
    print(f"- JWT auth (caches on) vs the same route without auth (whoami B/A): "
          f"{whoami['B']['requests_per_s'] / whoami['A']['requests_per_s']:.2f} x (goal >= 0.90)")
PY
  python3 - "$OPEN_RESULTS" "$OPEN_RATE" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
if not rows:
    sys.exit(0)
configs = {}
for row in rows:
    configs.setdefault(row["config"], []).append(row)
print()
print(f"Open loop: the chain at {sys.argv[2]} requests/s, latency from each request's due time")
print()
print("| configuration | completed/due | errors + non-2xx | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
p99 = {}
for config, runs in configs.items():
    m = {c: statistics.median(float(r[c]) for r in runs) for c in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us")}
    done = sum(int(r["completed"]) for r in runs); due = sum(int(r["due"]) for r in runs)
    bad = sum(int(r["errors"]) + int(r["non2xx"]) for r in runs)
    p99[config[0]] = m["p99_us"]
    print(f"| {config} | {done}/{due} | {bad} | {m['p50_us']:.0f} | {m['p90_us']:.0f} | {m['p99_us']:.0f} | {m['p999_us']:.0f} | {m['max_us']:.0f} |")
if "A" in p99 and "B" in p99 and p99["A"] > 0:
    print()
    print(f"open-loop chain: p99 auth / no auth = {p99['B'] / p99['A']:.2f} (goal <= 1.15)")
PY
} | tee "$OUT/summary.md"
log "raw results: $RESULTS"
