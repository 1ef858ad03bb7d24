# Sourced by scripts that run the project's servers as separate processes
# (Scripts/run-chain.sh, Scripts/bench-h2.sh): a scratch directory, the started processes, and
# their cleanup on exit.
#
# After sourcing: $workdir (removed on exit), and
#   start NAME CMD...   runs a server with its output in $workdir/NAME.{out,err}, waits (up to
#                       30 s) for its "listening on URL" line (CONTRACT.md) and sets $url;
#                       fails with the server's stderr if it exits first.
# Every started process gets SIGTERM on exit, Ctrl-C and failure.

workdir="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

start() {
  local name="$1"; shift
  "$@" >"$workdir/$name.out" 2>"$workdir/$name.err" &
  pids+=($!)
  for _ in $(seq 1 300); do
    url="$(sed -n 's/^listening on //p' "$workdir/$name.out" | head -n1)"
    [ -n "$url" ] && { echo "$name: $url" >&2; return 0; }
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$name exited:" >&2; cat "$workdir/$name.err" >&2; return 1; }
    sleep 0.1
  done
  echo "$name did not start" >&2; return 1
}
