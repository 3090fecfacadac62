"""Grid positions of dashboard panels: Grafana's grid is 24 columns wide.

grafana-foundation-sdk wraps to a new line only *after* a panel went past column 24, so a
12-wide panel at x=18 sticks out; obsgen places panels itself. Pure functions over
dashboard JSON data.
"""

from __future__ import annotations

from typing import Any

COLUMNS = 24


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


def problem(panels: list[Any]) -> str:
    """What is wrong with the grid positions a dashboard file gives its top-level panels:
    some given and some not, a panel past column 24, or two panels overlapping. "" if
    none are given (obsgen then places them) or all are sound."""
    items = [p for p in panels if isinstance(p, dict)]
    given = [p for p in items if isinstance(p.get("gridPos"), dict)]
    if not given:
        return ""
    if len(given) != len(items):
        title = next(p.get("title", "(untitled)") for p in items if p not in given)
        return (f"panel {title!r} has no gridPos while others have one: give every panel "
                "a gridPos, or none and obsgen lays them out")
    boxes: list[tuple[str, tuple[int, int, int, int]]] = []
    for item in given:
        pos, title = item["gridPos"], item.get("title", "(untitled)")
        try:
            x, y, w, h = (int(pos.get(k, 0)) for k in ("x", "y", "w", "h"))
        except (TypeError, ValueError):
            return f"panel {title!r}: gridPos x, y, w and h must be integers"
        if x < 0 or y < 0 or w < 1 or h < 1 or x + w > COLUMNS:
            return (f"panel {title!r}: gridPos x={x} w={w} does not fit the 24-column grid"
                    if x + w > COLUMNS else
                    f"panel {title!r}: gridPos needs x, y >= 0 and w, h >= 1")
        for other, (ox, oy, ow, oh) in boxes:
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                return f"panels {other!r} and {title!r} overlap on the grid"
        boxes.append((title, (x, y, w, h)))
    return ""
