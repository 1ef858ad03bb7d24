#!/usr/bin/env bash
# Runs the whole test suite: unit tests plus the interop tests that drive real clients
# (boto3/botocore, the AWS CLI, curl, PyJWT/joserfc, moto) against the project over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "error: the interop tests need: ${missing[*]} (e.g. apt-get install ${missing[*]})" >&2
  exit 2
fi

# Python packages of the interop tests; quiet when already satisfied.
python3 -m pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements.txt

swift test "$@"
