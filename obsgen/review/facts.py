"""What one side of `obsgen diff` says, as comparable facts: the alerts Prometheus loads, each
SLO's figures, who each alert reaches, and the names of dashboards, probes and runbooks.

Alerts are read from the compiled rule files (what Prometheus evaluates, whatever made the
alert: an SLO tier, a plain alert, a probe, a no-data guard); SLO figures come from the proof
engine through `obsgen.proof.explain`'s own wording; receivers come from the routes table
the generated routing tests assert (`targets.alertmanager.routes_table`, over `router`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from obsgen import model
from obsgen.durations import format_seconds
from obsgen.model import fmt_decimal
from obsgen.proof import explain, suites
from obsgen.proof.traffic import synthetic_inputs
from obsgen.targets import alertmanager


@dataclass(frozen=True, kw_only=True)
class Side:
    """One compiled version of the specs: the project and the files it renders to."""

    project: model.Project
    files: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class RuleAlert:
    """An alerting rule as Prometheus reads it."""

    name: str
    file: str
    expr: str
    """Whitespace collapsed: re-indenting a rule is not a change."""
    for_: str
    keep_firing_for: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]

    @property
    def identity(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What a rename keeps: the expression and the labels."""
        return self.expr, tuple(sorted(self.labels.items()))


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def rule_alerts(files: Mapping[str, str]) -> dict[str, RuleAlert]:
    """Every alerting rule of the plain rule files, by name (`Name#2` for a repeated name)."""
    out: dict[str, RuleAlert] = {}
    for path in sorted(p for p in files if p.startswith("prometheus/rules/")):
        doc = yaml.safe_load(files[path]) or {}
        for group in doc.get("groups", ()):
            for rule in group.get("rules", ()):
                if "alert" not in rule:
                    continue
                name, n = str(rule["alert"]), 2
                key = name
                while key in out:
                    key, n = f"{name}#{n}", n + 1
                out[key] = RuleAlert(
                    name=name, file=path, expr=one_line(str(rule["expr"])),
                    for_=str(rule.get("for", "")),
                    keep_firing_for=str(rule.get("keep_firing_for", "")),
                    labels={str(k): str(v) for k, v in (rule.get("labels") or {}).items()},
                    annotations={str(k): str(v)
                                 for k, v in (rule.get("annotations") or {}).items()})
    return out


def receivers(project: model.Project) -> dict[str, tuple[str, ...]]:
    """Per alert, the receivers Alertmanager notifies, in order; {} without routing."""
    if project.routing is None:
        return {}
    rows = alertmanager.routes_table(project)["routes"]
    return {str(r["alert"]): tuple(r["receivers"]) for r in rows}


def slos(project: model.Project) -> dict[str, model.SLO]:
    return {f"{svc.name}/{slo.name}": slo for svc in project.services for slo in svc.slos}


def slo_figures(slo: model.SLO) -> dict[str, str]:
    """The figures `obsgen explain` prints of an SLO, keyed by what they are."""
    budget = fmt_decimal(slo.budget * 100)
    outage = format_seconds(int(slo.budget * slo.period_days * 86400))
    out = {
        "objective": f"{fmt_decimal(slo.objective_percent)}% over {slo.period_days}d",
        "error budget": f"{budget}% of events ({outage} of total outage)",
    }
    if slo.min_events:
        out["min events"] = str(slo.min_events)
    plan = synthetic_inputs(slo)
    by_alert = {} if isinstance(plan, str) else {
        a.name: s for s in suites.build_once(slo, plan) for a in s.alerts}
    tiers = [a.tier for a in slo.alerts]
    for alert in slo.alerts:
        tier = alert.tier if tiers.count(alert.tier) == 1 else f"{alert.tier} {alert.name}"
        out[f"{tier} alert"] = f"{alert.name} (severity {alert.severity})"
        out[f"{tier} conditions"] = "; ".join(
            explain._condition(slo, alert, w).strip() for w in alert.windows)
        if alert.for_ms:
            out[f"{tier} holds for"] = format_seconds(alert.for_ms // 1000)
        suite = by_alert.get(alert.name)
        if suite is None:
            out[f"{tier} timings"] = f"not simulated: {plan}"
            continue
        fires = suite.outage[alert.name]
        verb = "pages" if alert.tier == "page" else "tickets"
        out[f"{tier}: total outage {verb} after"] = _minutes(fires.fires)
        for t in suite.threshold[alert.name]:
            out[f"{tier}: just above the {format_seconds(t.window_s)} threshold "
                f"{verb} after"] = _minutes(t.fires)
    return out


def is_timing(key: str) -> bool:
    return key.endswith(" after")


def _minutes(minutes: int) -> str:
    return format_seconds(minutes * 60)


def dashboards(files: Mapping[str, str]) -> dict[str, tuple[str, str, frozenset[str]]]:
    """Per dashboard uid (else path): its title, its file and its panel titles."""
    out: dict[str, tuple[str, str, frozenset[str]]] = {}
    for path in sorted(p for p in files if p.startswith("grafana/") and p.endswith(".json")):
        try:
            doc = json.loads(files[path])
        except ValueError:
            continue
        if not isinstance(doc, dict) or "panels" not in doc:
            continue
        titles = frozenset(str(p.get("title", "")) for p in _panels(doc["panels"])
                           if p.get("title"))
        out[str(doc.get("uid") or path)] = (str(doc.get("title", path)), path, titles)
    return out


def _panels(panels: list[Any]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for panel in panels:
        if isinstance(panel, dict):
            flat.append(panel)
            flat += _panels(panel.get("panels", []))
    return flat


def probes(project: model.Project) -> dict[str, dict[str, str]]:
    """Per `service/probe`, its kind, target, module, cadence and labels as text."""
    return {f"{p.service}/{p.name}": {
        "kind": p.kind, "target": p.target, "interval": p.interval,
        "timeout": p.scrape_timeout,
        "labels": ", ".join(f"{k}={v}" for k, v in sorted(p.labels.items())),
        **leaves(dict(p.module), "module"),
    } for svc in project.services for p in svc.probes}


def leaves(value: object, path: str = "") -> dict[str, str]:
    """Nested settings flattened to one entry per leaf (`slack_configs[0].channel`), the
    top-level `name` left out: a change then names the one setting that moved."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            if key != "name" or path:
                out |= leaves(item, f"{path}.{key}" if path else str(key))
        return out
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        out = {}
        for i, item in enumerate(value):
            out |= leaves(item, f"{path}[{i}]")
        return out
    return {path: value if isinstance(value, str) else json.dumps(value, sort_keys=True)}


def runbooks(files: Mapping[str, str]) -> dict[str, str]:
    """Per runbook page, its title (first `# ` heading)."""
    out = {}
    for path in sorted(p for p in files if p.startswith("runbooks/") and p.endswith(".md")):
        title = next((line[2:].strip() for line in files[path].splitlines()
                      if line.startswith("# ")), path)
        out[path] = title
    return out
