#!/usr/bin/env python3
"""Plots latency percentiles with and without auth (docs/benchmarks.png).

Inputs (either or both):
  --wrk FILE   results.tsv written by Scripts/bench-http.sh (wrk against the sample services)
  --jmh FILE   the JMH-format export of the HTTP suite:
               swift package --package-path Benchmarks benchmark --target HTTPBenchmarks \
                   --format jmh --path .build/benchmarks
Output: --out FILE (default docs/benchmarks.png).

Requires matplotlib; it is installed with pip when missing (pass --no-install to forbid that).
"""
import argparse
import csv
import json
import statistics
import subprocess
import sys


def ensure_matplotlib(allow_install):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        if not allow_install:
            sys.exit("error: matplotlib is required (python3 -m pip install matplotlib)")
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "matplotlib"])
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
    global ticker
    ticker = matplotlib.ticker
    return plt


PERCENTILES = [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)]


def wrk_series(path):
    """{pair: {config: [median latency in µs per percentile]}} from bench-http's TSV."""
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    columns = ["p50_us", "p90_us", "p99_us", "p999_us"]
    series = {}
    for row in rows:
        series.setdefault(row["pair"], {}).setdefault(row["config"], []).append(row)
    return {
        pair: {config: [statistics.median(float(r[c]) for r in runs) for c in columns] for config, runs in configs.items()}
        for pair, configs in series.items()
    }


def jmh_series(path):
    """{panel: {mode: [latency µs per percentile]}} from the HTTP suite's JMH export: the
    "request latency (us)" metric of the 8-connection benchmarks (every request's latency)."""
    data = json.load(open(path))
    result = {}
    for entry in data:
        name = entry.get("benchmark", "").split(".", 3)[-1].replace("_", " ")
        if not name.endswith("8 connections"):
            continue  # (the exporter repeats the previous benchmark's secondary metrics)
        latency = entry.get("secondaryMetrics", {}).get("request latency (us)")
        if not latency:
            continue
        percentiles = latency.get("scorePercentiles", {})
        values = [float(percentiles.get(str(float(p)), "nan")) for _, p in PERCENTILES]
        # "HTTP GET /whoami, <mode>, 8 connections"
        mode = name.split(", ", 1)[1].rsplit(", ", 1)[0] if ", " in name else name
        result.setdefault("in-process HTTPServer GET /whoami, 8 keep-alive connections", {})[mode] = values
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wrk")
    parser.add_argument("--jmh")
    parser.add_argument("--out", default="docs/benchmarks.png")
    parser.add_argument("--no-install", action="store_true")
    args = parser.parse_args()
    if not args.wrk and not args.jmh:
        parser.error("give --wrk and/or --jmh")
    plt = ensure_matplotlib(not args.no_install)

    panels = {}
    if args.jmh:
        panels.update(jmh_series(args.jmh))
    if args.wrk:
        for pair, configs in wrk_series(args.wrk).items():
            title = {"whoami": "sample gateway GET /whoami (wrk)", "chain": "gateway → orders → inventory (wrk)",
                     "peer": "side by side with Hummingbird (wrk)"}.get(pair, pair)
            panels[title] = configs
    if not panels:
        sys.exit("error: no latency data found in the inputs")

    figure, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5), squeeze=False)
    labels = [label for label, _ in PERCENTILES]
    for axis, (title, configs) in zip(axes[0], panels.items()):
        for config, values in configs.items():
            axis.plot(labels, [v / 1000 for v in values], marker="o", label=config)
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("percentile")
        axis.set_ylabel("latency (ms)")
        axis.set_yscale("log")
        axis.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
        axis.yaxis.set_minor_formatter(ticker.FormatStrFormatter("%g"))
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle("Request latency percentiles with and without auth", fontsize=11)
    figure.tight_layout()
    figure.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
