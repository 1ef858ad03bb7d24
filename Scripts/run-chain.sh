#!/usr/bin/env bash
# Runs the standalone local issuer and the three sample services as separate processes on free
# loopback ports, wired together with CONTRACT.md's flags — the "four terminals" setup in one
# script. It logs alice in, calls the chain once, prints what each hop saw, and keeps running
# until Ctrl-C (or, with --check, exits 0/1 after the call).
#
#   Scripts/run-chain.sh            # build (release), start, call once, keep running
#   Scripts/run-chain.sh --check    # the same, then stop everything and report
#   Scripts/run-chain.sh --tls      # every hop over mutual TLS + HTTP/2 (certificates from
#                                   # `serviceauth certs`), plus a bound-token replay check
#   BIN_DIR=.build/debug Scripts/run-chain.sh --check --tls   # use already-built binaries
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
tls=false
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    --tls) tls=true ;;
    *) echo "usage: $0 [--check] [--tls]" >&2; exit 2 ;;
  esac
done

if [ -z "${BIN_DIR:-}" ]; then
  swift build -c release --product serviceauth >&2
  for p in gateway orders inventory; do swift build -c release --product "$p" >&2; done
  BIN_DIR="$(swift build -c release --show-bin-path)"
fi

# shellcheck source=lib/servers.sh
source Scripts/lib/servers.sh   # $workdir, start NAME CMD... (sets $url), cleanup on exit

# With --tls: a throwaway CA and one certificate per workload (SPIFFE IDs
# spiffe://demo.local/ns/demo/sa/NAME), made by `serviceauth certs` (no openssl needed). Every
# server requires a client certificate from that CA; every outbound call presents its own.
tls_flags() { :; }
client_tls=()
if $tls; then
  "$BIN_DIR/serviceauth" certs --dir "$workdir/pki" --workload idp --workload gateway --workload orders \
    --workload inventory --workload web --workload rogue >&2
  tls_flags() {
    echo --tls-cert "$workdir/pki/$1.pem" --tls-key "$workdir/pki/$1-key.pem" --tls-ca "$workdir/pki/ca.pem" --require-client-cert
  }
  client_tls=(--http2 --cacert "$workdir/pki/ca.pem" --cert "$workdir/pki/web.pem" --key "$workdir/pki/web-key.pem")
fi
spiffe() { echo "spiffe://demo.local/ns/demo/sa/$1"; }

# The issuer writes its session-token key (mode 0600) before it listens; inventory reads it
# from that file to accept the temporary credentials orders gets from AssumeRole.
# shellcheck disable=SC2046 # tls_flags prints separate words on purpose (paths without spaces)
start idp "$BIN_DIR/serviceauth" idp --port 0 --session-key-file "$workdir/sts-session.key" $(tls_flags idp)
idp="$url"; issuer="$idp/us-east-1_LOCAL"

start inventory "$BIN_DIR/inventory" --port 0 --issuer "$issuer" --client-id web \
  --trust-issuer-sts "$workdir/sts-session.key" --allowed-principal arn:aws:iam::123456789012:role/orders \
  $(tls_flags inventory) $($tls && echo --allowed-workload "$(spiffe orders)")
inventory="$url"

start orders "$BIN_DIR/orders" --port 0 --issuer "$issuer" --client-id gateway --user-client-id web \
  --inventory-url "$inventory" --sts-endpoint "$idp" \
  --access-key-id AKIAORDERSSERVICE001 --secret-access-key orders-service-secret-access-key \
  --role-arn arn:aws:iam::123456789012:role/orders \
  $(tls_flags orders) $($tls && echo --allowed-workload "$(spiffe gateway)")
orders="$url"

start gateway "$BIN_DIR/gateway" --port 0 --issuer "$issuer" --client-id web \
  --orders-url "$orders" --token-endpoint "$idp/oauth2/token" \
  --outbound-client-id gateway --client-secret gateway-secret --scope orders/invoke $(tls_flags gateway)
gateway="$url"

# Log alice in with Cognito's InitiateAuth, exactly as the AWS SDKs send it.
token="$(curl -sf "${client_tls[@]}" "$idp/" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
  -d '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password"}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["AccessToken"])')"

echo "GET $gateway/orders/42 as alice:" >&2
response="$(curl -s "${client_tls[@]}" -w '\n%{http_code}' "$gateway/orders/42" -H "Authorization: Bearer $token")"
status="$(tail -n1 <<<"$response")"
body="$(sed '$d' <<<"$response")"
echo "$body" | python3 -m json.tool
echo "HTTP $status" >&2

replay_ok=true
if $tls; then
  # gateway's service token, fetched over mutual TLS with gateway's certificate, is bound to
  # it (RFC 8705 cnf.x5t#S256); replayed to orders from another workload it is refused.
  pki="$workdir/pki"
  bound="$(curl -sf --cacert "$pki/ca.pem" --cert "$pki/gateway.pem" --key "$pki/gateway-key.pem" "$idp/oauth2/token" \
    -d grant_type=client_credentials -d client_id=gateway -d client_secret=gateway-secret -d scope=orders/invoke \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
  replay="$(curl -s --http2 --cacert "$pki/ca.pem" --cert "$pki/rogue.pem" --key "$pki/rogue-key.pem" \
    -w ' %{http_code}' "$orders/whoami" -H "Authorization: Bearer $bound")"
  echo "gateway's bound token replayed by rogue to orders: $replay" >&2
  grep -q 'certificate_mismatch.* 401$' <<<"$replay" || replay_ok=false
  # No client certificate: refused at the handshake.
  if curl -s --http2 --cacert "$pki/ca.pem" "$gateway/healthz" >/dev/null 2>&1; then
    echo "a client without a certificate was served" >&2; replay_ok=false
  else
    echo "a client without a certificate: refused at the handshake" >&2
  fi
fi

if $check; then
  [ "$status" = 200 ] && grep -q 'user alice via gateway' <<<"$body" && $replay_ok && { echo "chain OK" >&2; exit 0; }
  echo "chain FAILED" >&2; exit 1
fi
echo "running; Ctrl-C stops everything" >&2
wait
