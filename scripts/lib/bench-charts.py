"""Latency distributions of a benchmark run as SVG: one chart per scenario, each agent a curve.

    python3 scripts/lib/bench-charts.py OUT

Reads OUT/<scenario>-<agent>-<round>.json (the load generator's reports, with their latency quantiles) and writes
OUT/latency-<scenario>.svg: the share of payments answered within a latency (log scale; the tail spread out, the
maximum at the top), the median over rounds at each quantile. Written directly as SVG, so the benchmark needs nothing beyond python3.
"""
import glob
import math
import os
import re
import statistics
import sys

SCENARIOS = ["open-1000", "open-5000", "closed-32", "cold-5000"]
AGENTS = [("echo", "echo", "#1f77b4"), ("run", "full", "#d62728"), ("run-shm", "full, data in memory", "#ff7f0e"),
          ("run-r2r", "full, ReadyToRun", "#2ca02c")]
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 360, 60, 20, 30, 50


def rounds(out, prefix):
    paths = sorted(glob.glob(os.path.join(out, f"{prefix}-*.json")))
    return [p for p in paths if re.fullmatch(re.escape(prefix) + r"-\d+\.json", os.path.basename(p))]


def median_curve(reports):
    """[(quantile, ms)] with the median over rounds at each quantile."""
    import json
    curves = [json.load(open(p)).get("latencyQuantilesMs") for p in reports]
    curves = [c for c in curves if c]
    if not curves:
        return []
    return [(q, statistics.median(c[i][1] for c in curves)) for i, (q, _) in enumerate(curves[0])]


def chart(scenario, curves):
    values = [ms for _, curve, _ in curves for _, ms in curve if ms > 0]
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(ms):
        return LEFT + plot_w * (math.log10(max(ms, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))

    def y(q):
        # The tail spread out, as latency plots of HdrHistogram do: 90 %, 99 %, 99.9 %, 99.99 % (and the maximum) equally spaced.
        nines = math.log10(1 / (1 - min(q, 0.9999)))
        return TOP + plot_h * (1 - nines / 4)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
             f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" font-size="14">{scenario}: share of payments answered within</text>']
    decade = low
    while decade <= high * 1.0001:
        parts.append(f'<line x1="{x(decade):.1f}" y1="{TOP}" x2="{x(decade):.1f}" y2="{TOP + plot_h}" stroke="#ddd"/>')
        parts.append(f'<text x="{x(decade):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{decade:g} ms</text>')
        decade *= 10
    for q in [0, 0.5, 0.9, 0.99, 0.999, 0.9999]:
        parts.append(f'<line x1="{LEFT}" y1="{y(q):.1f}" x2="{LEFT + plot_w}" y2="{y(q):.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(q) + 4:.1f}" text-anchor="end">{q * 100:g} %</text>')
    parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT - 8}" text-anchor="middle">latency from intended send to answer (log scale)</text>')
    for i, (label, curve, color) in enumerate(curves):
        points = " ".join(f"{x(ms):.1f},{y(q):.1f}" for q, ms in curve)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        parts.append(f'<rect x="{LEFT + 10}" y="{TOP + 8 + 16 * i}" width="12" height="3" fill="{color}"/>')
        parts.append(f'<text x="{LEFT + 28}" y="{TOP + 13 + 16 * i}">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(out):
    for scenario in SCENARIOS:
        curves = []
        for agent, label, color in AGENTS:
            curve = median_curve(rounds(out, f"{scenario}-{agent}"))
            if curve:
                curves.append((label, curve, color))
        if curves:
            path = os.path.join(out, f"latency-{scenario}.svg")
            with open(path, "w") as svg:
                svg.write(chart(scenario, curves))
            print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1])
