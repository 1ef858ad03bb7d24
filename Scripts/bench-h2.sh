#!/usr/bin/env bash
# HTTP/2 over TLS benchmark: the gateway's GET /whoami with a user JWT verified (verified-token
# cache on) against the same route on the same binary started with --no-auth, both over TLS +
# HTTP/2 (ALPN h2), driven by h2load, alternating A/B/A/B so that machine drift hits both sides
# alike. Prints a table of requests/s, p50/p99 latency (from h2load's per-request log) and
# errors, with the B/A ratio, and writes the raw rows as TSV.
#
# Certificates come from `serviceauth certs` (a throwaway CA). h2load presents no client
# certificate, so the gateway verifies client certificates when offered but does not require
# them; the cost measured is TLS + HTTP/2 + JWT authentication.
#
# Environment: DURATION (seconds per run, default 10), CLIENTS (h2load -c, default 16),
# STREAMS (h2load -m, concurrent streams per connection, default 10), ROUNDS (default 3),
# OUT (default .build/bench-h2), SKIP_BUILD=1 to reuse a release build.
# Requires: swift, python3, curl and h2load (nghttp2-client; installed with apt-get if missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-16}
STREAMS=${STREAMS:-10}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-$ROOT/.build/bench-h2}
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
log() { printf '[bench-h2] %s\n' "$*" >&2; }

if ! command -v h2load >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo"
  log "installing nghttp2-client from Debian's packages"
  $sudo apt-get install -y nghttp2-client >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y nghttp2-client >/dev/null; }
fi

cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building release binaries"
  swift build -c release --product serviceauth >&2
  swift build -c release --product gateway >&2
fi
BIN=$(swift build -c release --show-bin-path)

# shellcheck source=lib/servers.sh
source "$ROOT/Scripts/lib/servers.sh"   # $workdir, start NAME CMD... (sets $url), cleanup on exit

"$BIN/serviceauth" certs --dir "$workdir/pki" --workload idp --workload gateway >&2
tls() { echo --tls-cert "$workdir/pki/$1.pem" --tls-key "$workdir/pki/$1-key.pem" --tls-ca "$workdir/pki/ca.pem"; }
# shellcheck disable=SC2046 # tls prints separate words on purpose
start idp "$BIN/serviceauth" idp --port 0 $(tls idp); idp="$url"
# shellcheck disable=SC2046
start auth "$BIN/gateway" --port 0 --issuer "$idp/us-east-1_LOCAL" --client-id web $(tls gateway); auth="$url"
# shellcheck disable=SC2046
start noauth "$BIN/gateway" --port 0 --no-auth $(tls gateway); noauth="$url"
token="$(curl -sf --cacert "$workdir/pki/ca.pem" "$idp/" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
  -d '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password"}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["AccessToken"])')"
log "gateway with auth $auth, without $noauth; ${ROUNDS} rounds of ${DURATION}s, -c $CLIENTS -m $STREAMS"

printf 'config\tround\treq_per_s\tp50_ms\tp99_ms\tnon2xx\terrors\n' >"$RESULTS"
run() {  # run CONFIG ROUND URL [h2load args...]
  local config="$1" round="$2" target="$3"; shift 3
  local logfile="$workdir/$config-$round.log"
  h2load -D "$DURATION" --warm-up-time 1 -c "$CLIENTS" -m "$STREAMS" --log-file="$logfile" "$@" "$target" >"$workdir/$config-$round.txt" 2>&1 || true
  python3 - "$config" "$round" "$workdir/$config-$round.txt" "$logfile" >>"$RESULTS" <<'PY'
import re, sys
config, round_, summary, logfile = sys.argv[1:5]
text = open(summary).read()
rps = re.search(r"finished in [\d.]+s, ([\d.]+) req/s", text)
errored = re.search(r"(\d+) failed, (\d+) errored, (\d+) timeout", text)
codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
non2xx = sum(int(x) for x in codes.groups()[1:]) if codes else -1
latencies = []
for line in open(logfile):
    parts = line.split()
    # Requests still in flight when the run ends are logged without a status: not measured.
    if len(parts) < 3 or not parts[1].isdigit():
        continue
    latencies.append(int(parts[2]) / 1000.0)
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
errors = sum(int(x) for x in errored.groups()) if errored else -1
print(f"{config}\t{round_}\t{float(rps.group(1)) if rps else 0:.0f}\t{pick(0.5):.2f}\t{pick(0.99):.2f}\t{non2xx}\t{errors}")
PY
}
for round in $(seq 1 "$ROUNDS"); do
  log "round $round: no auth"
  run noauth "$round" "$noauth/whoami"
  log "round $round: JWT auth"
  run auth "$round" "$auth/whoami" -H "authorization: Bearer $token"
done

python3 - "$RESULTS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def agg(config, key):
    values = [float(r[key]) for r in rows if r["config"] == config]
    return statistics.median(values), min(values), max(values)
print("| TLS + HTTP/2, gateway GET /whoami | req/s (median, range) | p50 ms | p99 ms | non-2xx | errors |")
print("|---|---|---|---|---|---|")
names = {"noauth": "without auth (--no-auth)", "auth": "user JWT verified (cache on)"}
for config in ("noauth", "auth"):
    rps = agg(config, "req_per_s")
    p50 = agg(config, "p50_ms")[0]
    p99 = agg(config, "p99_ms")[0]
    non2xx = sum(int(r["non2xx"]) for r in rows if r["config"] == config)
    errors = sum(int(r["errors"]) for r in rows if r["config"] == config)
    print(f"| {names[config]} | {rps[0]:.0f} ({rps[1]:.0f}–{rps[2]:.0f}) | {p50:.2f} | {p99:.2f} | {non2xx} | {errors} |")
ratio = agg("auth", "req_per_s")[0] / agg("noauth", "req_per_s")[0]
print(f"\nwith auth / without: {ratio:.2f}× throughput")
PY
