#!/usr/bin/env bash
# Runs the standalone local issuer and the three sample services as separate processes on free
# loopback ports, wired together with CONTRACT.md's flags — the "four terminals" setup in one
# script. It logs alice in, calls the chain once, prints what each hop saw, and keeps running
# until Ctrl-C (or, with --check, exits 0/1 after the call).
#
#   Scripts/run-chain.sh            # build (release), start, call once, keep running
#   Scripts/run-chain.sh --check    # the same, then stop everything and report
#   BIN_DIR=.build/debug Scripts/run-chain.sh --check   # use already-built binaries
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

if [ -z "${BIN_DIR:-}" ]; then
  swift build -c release --product serviceauth >&2
  for p in gateway orders inventory; do swift build -c release --product "$p" >&2; done
  BIN_DIR="$(swift build -c release --show-bin-path)"
fi

workdir="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

# start NAME CMD...: runs a server, waits for its "listening on URL" line, sets $url.
start() {
  local name="$1"; shift
  "$@" >"$workdir/$name.out" 2>"$workdir/$name.err" &
  pids+=($!)
  for _ in $(seq 1 200); do
    url="$(sed -n 's/^listening on //p' "$workdir/$name.out" | head -n1)"
    [ -n "$url" ] && { echo "$name: $url" >&2; return 0; }
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$name exited:" >&2; cat "$workdir/$name.err" >&2; return 1; }
    sleep 0.1
  done
  echo "$name did not start" >&2; return 1
}

# The issuer writes its session-token key (mode 0600) before it listens; inventory reads it
# from that file to accept the temporary credentials orders gets from AssumeRole.
start idp "$BIN_DIR/serviceauth" idp --port 0 --session-key-file "$workdir/sts-session.key"
idp="$url"; issuer="$idp/us-east-1_LOCAL"

start inventory "$BIN_DIR/inventory" --port 0 --issuer "$issuer" --client-id web \
  --trust-issuer-sts "$workdir/sts-session.key" --allowed-principal arn:aws:iam::123456789012:role/orders
inventory="$url"

start orders "$BIN_DIR/orders" --port 0 --issuer "$issuer" --client-id gateway --user-client-id web \
  --inventory-url "$inventory" --sts-endpoint "$idp" \
  --access-key-id AKIAORDERSSERVICE001 --secret-access-key orders-service-secret-access-key \
  --role-arn arn:aws:iam::123456789012:role/orders
orders="$url"

start gateway "$BIN_DIR/gateway" --port 0 --issuer "$issuer" --client-id web \
  --orders-url "$orders" --token-endpoint "$idp/oauth2/token" \
  --outbound-client-id gateway --client-secret gateway-secret --scope orders/invoke
gateway="$url"

# Log alice in with Cognito's InitiateAuth, exactly as the AWS SDKs send it.
token="$(curl -sf "$idp/" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
  -d '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password"}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["AccessToken"])')"

echo "GET $gateway/orders/42 as alice:" >&2
response="$(curl -s -w '\n%{http_code}' "$gateway/orders/42" -H "Authorization: Bearer $token")"
status="$(tail -n1 <<<"$response")"
body="$(sed '$d' <<<"$response")"
echo "$body" | python3 -m json.tool
echo "HTTP $status" >&2

if $check; then
  [ "$status" = 200 ] && grep -q 'user alice via gateway' <<<"$body" && { echo "chain OK" >&2; exit 0; }
  echo "chain FAILED" >&2; exit 1
fi
echo "running; Ctrl-C stops everything" >&2
wait
