"""Draw a generated dashboard to a PNG with live data: `make preview` (or
`python -m obsgen.dev.preview`).

Not Grafana: a picture of the layout (grid positions as Grafana reads them) and of what
each panel's queries return from a real Prometheus evaluating the generated rules over
synthetic traffic with an incident in the middle (`obsgen.dev.live`). Timeseries draw their
series and threshold lines, stats and gauges their value, tables their rows, text panels
their Markdown source. Needs matplotlib (a dev dependency) and Debian's `prometheus`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from obsgen.dev.live import Incident, LivePrometheus
from obsgen.targets.grafana.dashboards import evaluable

BACKGROUND, PANEL, TEXT, GRID = "#111217", "#181b1f", "#ccccdc", "#2a2d33"
COLUMN_IN, ROW_IN = 0.62, 0.31
"""Inches per grid column and per grid row unit (Grafana: 30 px a unit)."""


def _color(name: str) -> str:
    from matplotlib.colors import is_color_like

    plain = name.removeprefix("semi-dark-").removeprefix("dark-").removeprefix("light-")
    return plain if is_color_like(plain) else "#8e8e8e"


def _value(value: float, unit: str) -> str:
    if unit in ("percentunit", "percent"):
        value, suffix = value * (100 if unit == "percentunit" else 1), "%"
    else:
        suffix = {"reqps": " req/s", "s": " s", "ms": " ms", "currencyUSD": " $"}.get(unit, "")
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return text + suffix


def _legend(template: str, labels: dict[str, str]) -> str:
    if template:
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m[1], ""), template).strip()
    shown = {k: v for k, v in labels.items() if k != "__name__"}
    return ",".join(f"{k}={v}" for k, v in sorted(shown.items())) or "value"


def _expr(target: dict[str, Any]) -> str:
    return evaluable(str(target.get("expr", "")))


def draw(board: dict[str, Any], live: LivePrometheus, seconds: float, png: Path
         ) -> list[tuple[str, int]]:
    """Write the picture; (panel title, series drawn) of each panel but rows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = board["panels"]
    height = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels) + 2
    fig = plt.figure(figsize=(24 * COLUMN_IN, height * ROW_IN), facecolor=BACKGROUND)
    fig.text(0.01, 1 - 0.9 / height, board.get("title", ""), color=TEXT, fontsize=14,
             weight="bold", va="center")
    drawn: list[tuple[str, int]] = []
    for item in panels:
        pos = item["gridPos"]
        top = 1 - (pos["y"] + 2) / height
        if item.get("type") == "row":
            fig.text(0.005, top - 0.5 / height, item.get("title", ""), color=TEXT,
                     fontsize=11, weight="bold", va="center")
            continue
        # The title takes about one grid unit above the plot, as in Grafana.
        box = (pos["x"] / 24 + 0.003, top - (pos["h"] - 0.1) / height,
               pos["w"] / 24 - 0.006, max(pos["h"] - 1.0, 0.5) / height)
        ax = fig.add_axes(box, facecolor=PANEL)
        for spine in ax.spines.values():
            spine.set_color(GRID)
        ax.tick_params(colors=TEXT, labelsize=7)
        ax.set_title(item.get("title", ""), color=TEXT, fontsize=9, loc="left")
        drawn.append((item.get("title", ""), _draw_panel(ax, item, live, seconds)))
    fig.savefig(png, dpi=100, facecolor=BACKGROUND)
    plt.close(fig)
    return drawn


def _draw_panel(ax: Any, item: dict[str, Any], live: LivePrometheus, seconds: float) -> int:
    defaults = item.get("fieldConfig", {}).get("defaults", {})
    unit = str(defaults.get("unit", ""))
    steps = [s for s in defaults.get("thresholds", {}).get("steps", [])
             if s.get("value") is not None]
    kind, count = item.get("type"), 0
    if kind == "text":
        ax.set_axis_off()
        content = "\n".join(textwrap.fill(line, 90)
                            for line in item.get("options", {}).get("content", "").splitlines())
        ax.text(0.02, 0.9, content, color=TEXT, fontsize=8, va="top", transform=ax.transAxes)
        return 0
    if kind == "timeseries":
        for target in item.get("targets", []):
            for series in live.query_range(_expr(target), seconds):
                ts = [float(t) - time.time() for t, _ in series["values"]]
                ax.plot(ts, [float(v) for _, v in series["values"]], linewidth=1.2,
                        label=_legend(str(target.get("legendFormat", "")), series["metric"]))
                count += 1
        style = defaults.get("custom", {}).get("thresholdsStyle", {}).get("mode", "off")
        if "line" in str(style):
            for step in steps:
                ax.axhline(float(step["value"]), color=_color(str(step["color"])),
                           linestyle="--", linewidth=0.9)
        if count:
            ax.legend(fontsize=6, loc="upper left", facecolor=PANEL, labelcolor=TEXT,
                      edgecolor=GRID)
        ax.yaxis.set_major_formatter(lambda v, _pos: _value(v, unit))
        ax.tick_params(axis="y", direction="in", pad=-4)
        for label in ax.get_yticklabels():
            label.set_horizontalalignment("left")
        ax.tick_params(axis="x", direction="in", pad=-10)
        return count
    ax.set_xticks([])
    ax.set_yticks([])
    rows = [(_legend(str(t.get("legendFormat", "")), r["metric"]), float(r["value"][1]))
            for t in item.get("targets", []) for r in live.query(_expr(t))]
    if kind in ("stat", "gauge"):
        for index, (label, value) in enumerate(rows[:4]):
            color = next((_color(str(s["color"])) for s in reversed(steps)
                          if value >= float(s["value"])), TEXT)
            y = 0.6 - index * 0.22 if len(rows) > 1 else 0.45
            ax.text(0.5, y, _value(value, unit), color=color, fontsize=18 if len(rows) == 1
                    else 11, ha="center", va="center", weight="bold", transform=ax.transAxes)
            if len(rows) > 1:
                ax.text(0.5, y - 0.09, label, color=TEXT, fontsize=6, ha="center",
                        transform=ax.transAxes)
        return len(rows)
    for index, (label, value) in enumerate(rows[:12]):
        ax.text(0.02, 0.92 - index * 0.075, f"{label}   {value:.4g}", color=TEXT,
                fontsize=7, va="top", family="monospace", transform=ax.transAxes)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m obsgen.dev.preview", description=__doc__)
    parser.add_argument("dashboard", help="uid of a generated dashboard, e.g. obsgen-edge")
    parser.add_argument("--specs", type=Path, default=Path("specs"))
    parser.add_argument("--out", type=Path, default=Path("generated"))
    parser.add_argument("--png", type=Path, help="default: <uid>.png")
    parser.add_argument("--seconds", type=float, default=420,
                        help="how long the synthetic traffic runs, incident in the middle third "
                             "(default 7 minutes: 5m rates need 5 minutes of samples)")
    args = parser.parse_args(argv)
    found = sorted((args.out / "grafana/dashboards").rglob(f"{args.dashboard}.json"))
    binary = shutil.which("prometheus")
    if not found or binary is None:
        print(f"preview: {'no dashboard ' + args.dashboard if not found else 'no prometheus'}"
              " — generate first / apt-get install prometheus", file=sys.stderr)
        return 3
    try:
        import matplotlib  # noqa: F401 (a dev dependency: say so instead of a traceback)
    except ImportError:
        print("preview: matplotlib is missing — pip install matplotlib (or make venv)",
              file=sys.stderr)
        return 3
    board = json.loads(found[0].read_text())
    incident = Incident(args.seconds / 3, 2 * args.seconds / 3, 0.3)
    with tempfile.TemporaryDirectory() as tmp, \
            LivePrometheus(binary, args.specs, args.out, Path(tmp), incident) as live:
        time.sleep(args.seconds)
        png = args.png or Path(f"{args.dashboard}.png")
        drawn = draw(board, live, args.seconds, png)
    print(f"{png}: {len(drawn)} panels, {sum(n for _, n in drawn)} series")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
