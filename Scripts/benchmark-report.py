#!/usr/bin/env python3
"""Turns package-benchmark's JMH exports into the tables of docs/benchmarks.md.

    swift package --package-path Benchmarks --allow-writing-to-package-directory \
        benchmark --format jmh --path .build/benchmarks --no-progress
    python3 Scripts/benchmark-report.py .build/benchmarks/*.json

Prints a markdown table per suite (median throughput, median and p99 time per operation) and
the table of the issue's targets with each measured ratio. Ratios compare the median time per
operation of benchmarks that ran in the same suite invocation. "best" is the ratio of the
fastest samples (p0), which is less sensitive to other load on a shared machine.
Only the standard library is needed.
"""
import json
import sys


def load(paths):
    results = {}
    for path in paths:
        for element in json.load(open(path)):
            # "package.benchmark.<Target>.<Name_with_underscores>"
            parts = element["benchmark"].split(".", 3)
            target, name = parts[2], parts[3].replace("_", " ")
            primary = element["primaryMetric"]
            secondary = element.get("secondaryMetrics", {})
            results[name] = {
                "target": target,
                "throughput": primary["scorePercentiles"],
                "time": secondary.get("Time (wall clock)", {}).get("scorePercentiles", {}),
                "latency": secondary.get("request latency (us)", {}).get("scorePercentiles", {}),
                "calls": secondary.get("token endpoint calls", {}).get("scorePercentiles", {}),
                "mallocs": secondary.get("Malloc (total)", {}).get("scorePercentiles", {}),
            }
    return results


def pct(values, p):
    return values.get(f"{float(p)}") if values else None


def scale(name):
    """The benchmark's scalingFactor (operations per measured iteration), as the suites set it.

    JMH exports are per iteration: throughput in thousands when the factor is 1,000, time in
    µs per iteration of 1,000 operations. Dividing brings both back to one operation."""
    if name.startswith(("JWT ", "SigV4 ", "RouteSecurity.run ")) or "cache hit" in name or name.endswith("8 connections"):
        return 1000
    return 1


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def suite_tables(results):
    targets = sorted({r["target"] for r in results.values()})
    for target in targets:
        print(f"\n#### {target}\n")
        print("| benchmark | throughput (median, op/s) | time p50 (µs/op) | time p99 (µs/op) | mallocs / op |")
        print("|---|---:|---:|---:|---:|")
        latency_rows = []
        for name, r in sorted(results.items()):
            if r["target"] != target:
                continue
            k = scale(name)

            def per_op(value, digits=2):
                return fmt(None if value is None else value / k, digits)

            # Only these suites measure mallocs; the exporter repeats earlier metrics for others.
            measured = name.startswith(("JWT ", "SigV4 ", "RouteSecurity.run ")) or name.endswith(("(cache hit)", "1 connection"))
            mallocs = pct(r["mallocs"], 50) if measured else None
            print(f"| {name} | {fmt(None if pct(r['throughput'], 50) is None else pct(r['throughput'], 50) * k)} | "
                  f"{per_op(pct(r['time'], 50))} | {per_op(pct(r['time'], 99))} | {per_op(mallocs, 1) if mallocs is not None else '–'} |")
            if r["latency"] and name.endswith("8 connections"):
                latency_rows.append((name, r["latency"]))
        if latency_rows:
            print("\n| benchmark (every request's latency) | p50 (µs) | p90 (µs) | p99 (µs) | p99.9 (µs) |")
            print("|---|---:|---:|---:|---:|")
            for name, latency in latency_rows:
                print(f"| {name} | {fmt(pct(latency, 50))} | {fmt(pct(latency, 90))} | {fmt(pct(latency, 99))} | {fmt(pct(latency, 99.9))} |")


def ratio(results, numerator, denominator, best=False):
    """Throughput of `numerator` over that of `denominator`, computed from the wall-clock time
    per operation (exported with three decimals; the throughput column is rounded to whole
    units). Both must share a scaling factor, as the pairs in this report do."""
    a, b = results.get(numerator), results.get(denominator)
    if not a or not b:
        return None
    p = 0 if best else 50
    ta, tb = pct(a["time"], p), pct(b["time"], p)
    if not ta or not tb:
        return None
    return tb / ta


def targets_table(results):
    rows = []

    def add(target, value, ok, how, best=None):
        if value is None:
            status = "–"
        elif "no target" in target:
            status = "(info)"
        else:
            status = "met" if ok(value) else "**not met**"
        best_text = "" if best is None else f" (best {best:.2f})"
        rows.append((target, "–" if value is None else f"{value:.2f}{best_text}", status, how))

    for alg in ["RS256", "ES256"]:
        full = f"JWT {alg} JWTVerifier.verify (full, warm keys)"
        raw = f"JWT {alg} raw signature check (swift-crypto baseline)"
        kit = f"JWT {alg} jwt-kit 5.8 JWTKeyCollection.verify"
        cached = f"JWT {alg} JWTVerifier.verify (verified-token cache hit)"
        if alg == "RS256":
            add("JWT RS256 verify ≥ 0.90 × raw RSA verify", ratio(results, full, raw), lambda v: v >= 0.90,
                "verify / raw throughput", ratio(results, full, raw, best=True))
        else:
            add("(ES256, no target) verify / raw ECDSA verify", ratio(results, full, raw), lambda v: True,
                "verify / raw throughput", ratio(results, full, raw, best=True))
        add(f"JWT {alg} verify faster than jwt-kit's verify", ratio(results, full, kit), lambda v: v > 1.0,
            "verify / jwt-kit throughput", ratio(results, full, kit, best=True))
        add(f"{alg} verified-token cache hit ≥ 20× faster than full verify", ratio(results, cached, full),
            lambda v: v >= 20, "cache hit / full throughput", ratio(results, cached, full, best=True))
    for shape in ["GET (small)", "POST (4 KiB body)"]:
        verify = f"SigV4 {shape} verify"
        bare = f"SigV4 {shape} bare HMAC/SHA-256 work (baseline)"
        value = ratio(results, bare, verify)  # time(verify) / time(bare) = tput(bare) / tput(verify)
        add(f"SigV4 {shape} verify ≤ 2× bare HMAC/SHA-256 work", value, lambda v: v <= 2.0,
            "verify time / bare-work time", ratio(results, bare, verify, best=True))
    hit = ratio(results, "SigV4 GET sign, signing-key cache hit", "SigV4 GET sign, signing-key cache miss")
    add("(no target) SigV4 signing-key cache hit vs miss", hit, lambda v: True, "hit / miss throughput")
    for connections in ["1 connection", "8 connections"]:
        base = f"HTTP GET /whoami, no auth, {connections}"
        jwt = f"HTTP GET /whoami, bearer JWT (cache on), {connections}"
        sig = f"HTTP GET /whoami, SigV4, {connections}"
        header = f"HTTP GET /whoami, no auth, bearer header sent, {connections}"
        add(f"(no target) in-process server without auth, ~1 KB bearer header only ({connections})",
            ratio(results, header, base), lambda v: True, "header-only / without throughput",
            ratio(results, header, base, best=True))
        add(f"in-process server with JWT auth ≥ 0.9 × without ({connections})", ratio(results, jwt, base),
            lambda v: v >= 0.9, "with / without throughput", ratio(results, jwt, base, best=True))
        add(f"(no target) in-process server with SigV4 auth vs without ({connections})", ratio(results, sig, base),
            lambda v: True, "with / without throughput", ratio(results, sig, base, best=True))
    def mallocs(name):
        r = results.get(name)
        value = pct(r["mallocs"], 50) if r else None
        return None if value is None else value / scale(name)

    def add_mallocs(target, name, base):
        a, b = mallocs(name), mallocs(base)
        rows.append((target, "–" if a is None or b is None else f"{a - b:.1f} ({a:.1f} − {b:.1f})", "(info)", "mallocs / request, difference"))

    add_mallocs("(no target) allocations of the auth layer per request: bearer JWT (cache on) over HTTP",
                "HTTP GET /whoami, bearer JWT (cache on), 1 connection", "HTTP GET /whoami, no auth, bearer header sent, 1 connection")
    for mode in ["bearer JWT (cache on)", "bearer JWT (cache on) + executeAPI policy", "SigV4"]:
        add_mallocs(f"(no target) allocations of the auth layer per request, in process: {mode}",
                    f"RouteSecurity.run in process, {mode}", "RouteSecurity.run in process, public route (no auth)")
    cold = results.get("Tokens cold start, 1000 concurrent callers")
    if cold:
        calls = pct(cold["calls"], 100)
        rows.append(("(no target) 1,000 concurrent callers at cold start: token endpoint calls",
                     fmt(calls), "single flight" if calls == 1 else "**several fetches**", "max per cold start"))

    print("\n| target | measured | status | ratio of |")
    print("|---|---:|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    results = load(sys.argv[1:])
    targets_table(results)
    suite_tables(results)


if __name__ == "__main__":
    main()
