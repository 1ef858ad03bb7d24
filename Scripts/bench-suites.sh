#!/usr/bin/env bash
# Runs the in-process benchmark suites (Benchmarks/, package-benchmark) in release mode, one
# target after the other, exports each as JMH JSON and prints the tables of
# docs/benchmarks.md (targets with measured ratios, then one table per suite).
#
#   Scripts/bench-suites.sh                 # all suites
#   TARGETS="JWTBenchmarks" Scripts/bench-suites.sh
#
# Output folder: OUT (default .build/benchmarks). Requires swift and python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/.build/benchmarks}
TARGETS=${TARGETS:-"JWTBenchmarks SigV4Benchmarks TokenBenchmarks HTTPBenchmarks"}
mkdir -p "$OUT"

exports=()
for target in $TARGETS; do
  echo "[bench-suites] running $target" >&2
  rm -f "$OUT/Current_run.jmh.json"
  swift package --package-path "$ROOT/Benchmarks" --allow-writing-to-package-directory benchmark \
    --target "$target" --no-progress --format jmh --path "$OUT" >"$OUT/$target.log" 2>&1 ||
    { echo "error: $target failed; see $OUT/$target.log" >&2; exit 1; }
  mv "$OUT/Current_run.jmh.json" "$OUT/$target.jmh.json"
  exports+=("$OUT/$target.jmh.json")
done

python3 "$ROOT/Scripts/benchmark-report.py" "${exports[@]}" | tee "$OUT/report.md"
echo "[bench-suites] JMH exports and report.md in $OUT" >&2
