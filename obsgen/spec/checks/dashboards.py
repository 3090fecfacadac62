"""Checks of a service's dashboards, and the evaluation of Jsonnet dashboards.

A Jsonnet dashboard (`*.dashboard.jsonnet`, which spec discovery skips) is evaluated with
the `jsonnet` package and checked like obsgen's own: a JSON object with a list of panels,
no `${DS_...}` import placeholders, no retired `graph` panels, every PromQL target parsing
(and a heatmap's `format: heatmap` targets reading buckets by `le`, `checks/panels.py`),
panels inside the 24-column grid without overlaps (or no positions at all: obsgen places them).
It is read and its imports resolved like a Jsonnet spec's: only inside the specs folder and
its library folders (`scope.ReadScope`, docs/security.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from obsgen import conventions, promql
from obsgen.errors import Diagnostic
from obsgen.promql import grafana_free
from obsgen.spec.checks import panels as panel_checks
from obsgen.spec.loader import Document
from obsgen.spec.scope import REFUSAL_HINTS, ReadScope, lexical_name, scope_for
from obsgen.spec.service import ServiceSpec

SUFFIX = ".dashboard.jsonnet"


def jsonnet_path(spec_file: str, relative: str) -> Path:
    return Path(spec_file).parent / relative


def evaluate(path: str) -> dict[str, Any] | str:
    """The dashboard a Jsonnet file evaluates to, in grafana-foundation-sdk's canonical form
    (the Grafana target places its panels when it gives none a position), or what is wrong
    with it. Reads only what the scope of its specs folder allows (`scope.scope_for`)."""
    return _evaluate(path, scope_for(path))


@lru_cache(maxsize=256)
def _evaluate(path: str, scope: ReadScope) -> dict[str, Any] | str:
    from obsgen.spec.jsonnet import ImportRefused, evaluate_confined

    refusal = scope.refusal(path)
    if refusal:
        return f"{path} {refusal}"
    if not Path(path).is_file():
        return f"no file {path}"
    try:
        data = json.loads(evaluate_confined(Path(path), scope))
    except ImportRefused as exc:
        where = lexical_name(exc.file or path)
        return Refusal(f"{where}:{exc.line}:{exc.col}: {exc.message}", exc.hint)
    except RuntimeError as exc:
        first = (str(exc).strip().splitlines() or ["evaluation failed"])[0]
        return f"Jsonnet error: {first}"
    if not isinstance(data, dict) or not isinstance(data.get("panels"), list):
        return "it does not evaluate to a dashboard (an object with a list of panels)"
    problem = _content_problem(data) or grid_problem(data["panels"])
    if problem:
        return problem
    canonical = sdk_canonical(data)
    dropped = _dropped(data, canonical, "")
    if dropped:
        return f"Grafana 11.6's dashboard model has no {dropped} (grafana-foundation-sdk drops it)"
    return canonical


def sdk_canonical(data: dict[str, Any]) -> dict[str, Any]:
    """`data` read into grafana-foundation-sdk's models and written back: Grafana 11.6's
    dashboard model, defaults included."""
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import Dashboard

    out: dict[str, Any] = json.loads(json.dumps(Dashboard.from_json(data), cls=JSONEncoder))
    return out


def _dropped(before: Any, after: Any, where: str) -> str:
    """The first path present in `before` and missing in `after`, or ""."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in before.items():
            here = f"{where}.{key}" if where else key
            if key not in after:
                return here
            found = _dropped(value, after[key], here)
            if found:
                return found
    elif isinstance(before, list) and isinstance(after, list):
        for index, (one, other) in enumerate(zip(before, after, strict=False)):
            found = _dropped(one, other, f"{where}[{index}]")
            if found:
                return found
    return ""


def _content_problem(data: dict[str, Any]) -> str:
    if "${DS_" in json.dumps(data):
        return "it uses a ${DS_...} import placeholder"
    for item in _panels(data):
        title = item.get("title", "(untitled)")
        if item.get("type") == "graph":
            return f"panel {title!r} is a retired graph panel: use timeseries"
        for target in item.get("targets", []):
            expr = target.get("expr")
            if isinstance(expr, str):
                found = promql.parse_problem(grafana_free(expr))
                if found:
                    return f"panel {title!r}: invalid PromQL: {found}"
                shape = (panel_checks.heatmap_problem(expr) if item.get("type") == "heatmap"
                         and target.get("format") == "heatmap" else None)
                if shape:
                    return Refusal(f"panel {title!r}: {shape[0]}", shape[1])
    return ""


def _panels(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in data.get("panels", []):
        if isinstance(item, dict):
            yield item
            yield from (p for p in item.get("panels", []) if isinstance(p, dict))


def problems(doc: Document, svc: ServiceSpec) -> Iterator[Diagnostic]:
    titles: dict[str, int] = {}
    for i, board in enumerate(svc.dashboards):
        key = conventions.dashboard_uid(svc.metadata.name, board.title)
        if key in titles:
            yield doc.diagnostic(("dashboards", i, "title"),
                                 f"dashboard {board.title!r} has the uid of dashboards"
                                 f"[{titles[key]}]", "give it a different title")
        titles.setdefault(key, i)
        yield from panel_checks.problems(doc, i, board)
        if not board.jsonnet:
            continue
        if not board.jsonnet.endswith(SUFFIX):
            yield doc.diagnostic(("dashboards", i, "jsonnet"),
                                 f"{board.jsonnet!r} does not end with {SUFFIX}",
                                 f"rename it to end with {SUFFIX}: spec discovery skips "
                                 "those files")
            continue
        path = jsonnet_path(doc.file, board.jsonnet)
        refused = _path_refusal(board.jsonnet, path, scope_for(doc.file))
        if refused:
            yield doc.diagnostic(("dashboards", i, "jsonnet"), *refused)
            continue
        result = evaluate(str(path))
        if isinstance(result, str):
            yield doc.diagnostic(("dashboards", i, "jsonnet"), result,
                                 getattr(result, "hint", "")
                                 or "fix the file so it evaluates to Grafana dashboard JSON")


class Refusal(str):
    """What `evaluate` found wrong, with its own fix: a refused import."""

    def __new__(cls, message: str, hint: str) -> Refusal:
        made = super().__new__(cls, message)
        made.hint = hint
        return made

    hint: str


def _path_refusal(written: str, path: Path, scope: ReadScope) -> tuple[str, str] | None:
    """(message, hint) when the dashboard file a spec names may not be read."""
    if Path(written).is_absolute():
        return (f"{written!r} is an absolute path",
                "give a path relative to this spec file, inside the specs folder")
    refusal = scope.refusal(path)
    return (f"{written!r} {refusal}", REFUSAL_HINTS[refusal]) if refusal else None


def grid_problem(panels: list[Any]) -> str:
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
        if x < 0 or y < 0 or w < 1 or h < 1 or x + w > conventions.GRID_COLUMNS:
            return (f"panel {title!r}: gridPos x={x} w={w} does not fit the 24-column grid"
                    if x + w > conventions.GRID_COLUMNS else
                    f"panel {title!r}: gridPos needs x, y >= 0 and w, h >= 1")
        for other, (ox, oy, ow, oh) in boxes:
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                return f"panels {other!r} and {title!r} overlap on the grid"
        boxes.append((title, (x, y, w, h)))
    return ""
