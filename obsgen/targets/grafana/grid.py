"""Grid positions of dashboard panels: Grafana's grid is 24 columns wide.

grafana-foundation-sdk wraps to a new line only *after* a panel went past column 24, so a
12-wide panel at x=18 sticks out; obsgen places panels itself. Pure functions over
dashboard JSON data.
"""

from __future__ import annotations

from typing import Any

from obsgen.conventions import GRID_COLUMNS as COLUMNS


def place(data: dict[str, Any]) -> dict[str, Any]:
    """Positions in panel order: panels flow left to right, a panel that does not fit the
    rest of the line starts the next one (below the tallest panel of the line), and a row
    starts a new line at full width. Widths and heights are kept (widths capped at 24).
    The panels inside a collapsed row flow below it, where Grafana puts them on expanding."""
    y = 0
    pending: list[dict[str, Any]] = []
    for item in data.get("panels", []):
        if item.get("type") == "row":
            y = _flow(pending, y)
            pending = []
            item["gridPos"] = {"h": 1, "w": COLUMNS, "x": 0, "y": y}
            y += 1
            _flow(item.get("panels") or [], y)
        else:
            pending.append(item)
    _flow(pending, y)
    return data


def _flow(panels: list[dict[str, Any]], top: int) -> int:
    """Place `panels` from line `top`; the first free line below them."""
    x = line = 0
    y = top
    for item in panels:
        pos = item.get("gridPos") or {}
        width = min(int(pos.get("w") or COLUMNS // 2), COLUMNS)
        height = int(pos.get("h") or 8)
        if x + width > COLUMNS:
            y, x, line = y + line, 0, 0
        item["gridPos"] = {"h": height, "w": width, "x": x, "y": y}
        x, line = x + width, max(line, height)
    return y + line
