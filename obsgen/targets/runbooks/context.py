"""What a runbook page says, as plain data for its template. Pure.

obsgen writes the Meaning section itself from the model: what is measured, the expression,
the threshold; for SLO alerts the burn rate, the share of the budget spent, the time to
exhaustion at that rate and how soon after a total outage the alert fires (the simulation
the generated promtool tests assert). The other sections come from the spec; the escalation
adds who receives the alert, from the routing tree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import promql_parser

from obsgen import conventions, model, router
from obsgen.durations import format_ms, format_seconds
from obsgen.model import fmt_decimal
from obsgen.proof import suites
from obsgen.proof.traffic import synthetic_inputs
from obsgen.targets.prometheus import alert_rule, recorded_selector, slo_alert_rule

COMPARISONS = {">", "<", ">=", "<=", "==", "!="}


@dataclass(frozen=True)
class Page:
    path: str
    """Relative to the runbooks folder: <service>/<AlertName>.md."""
    template: str
    context: dict[str, Any]


def alert_pages(project: model.Project) -> list[Page]:
    pages = []
    for svc in project.services:
        for slo in svc.slos:
            for alert in slo.alerts:
                ctx = _common(project, svc, alert.name, alert.severity, alert.labels,
                              alert.annotations, slo_alert_rule(slo, alert), _runbook(slo))
                ctx["slo"] = _slo_facts(slo, alert)
                ctx["queries"] = _slo_queries(slo)
                ctx["links"] = _links(project, svc.name, slo.name, ctx["expr"])
                pages.append(Page(f"{svc.name}/{alert.name}.md", "slo-alert.md.j2", ctx))
        for plain in svc.alerts:
            ctx = _common(project, svc, plain.name, plain.severity, plain.labels,
                          plain.annotations, alert_rule(plain), plain.runbook)
            ctx["threshold"] = threshold(plain.consecutive.condition if plain.consecutive
                                         else plain.expr)
            ctx["consecutive"] = _consecutive(plain.consecutive)
            ctx["description"] = plain.spec_description
            ctx["links"] = _links(project, svc.name, "", plain.expr)
            pages.append(Page(f"{svc.name}/{plain.name}.md", "alert.md.j2", ctx))
    return pages


def _runbook(slo: model.SLO) -> model.Runbook:
    if slo.runbook.impact or not slo.description:
        return slo.runbook
    return replace(slo.runbook, impact=slo.description)


def _common(project: model.Project, svc: model.Service, name: str, severity: str,
            labels: Any, annotations: Any, rule: dict[str, Any], runbook: model.Runbook
            ) -> dict[str, Any]:
    return {
        "name": name,
        "severity": severity,
        "service": {"name": svc.name, "team": svc.team, "tier": svc.tier,
                    "description": svc.description, "source": svc.source},
        "labels": dict(labels),
        "summary": annotations.get("summary", ""),
        "description": annotations.get("description", ""),
        "expr": rule["expr"].strip(),
        "for": rule.get("for", ""),
        "keep_firing_for": rule.get("keep_firing_for", ""),
        "runbook": {k: list(v) if isinstance(v, tuple) else v
                    for k, v in asdict(runbook).items()},
        "routing": _routing(project, svc.team, {**labels, "alertname": name}),
    }


def _consecutive(c: model.Consecutive | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"samples": c.samples, "every": format_ms(c.every_ms), "condition": c.condition}


def threshold(expr: str) -> str:
    """The comparison that decides the alert (`> 0.1`), or "" when there is none to show."""
    node: Any = promql_parser.parse(expr)
    while type(node).__name__ == "BinaryExpr":
        op = str(node.op)
        if op in COMPARISONS:
            return f"{op} {node.rhs}"
        if op not in ("and", "unless"):
            return ""
        node = node.lhs
    return ""


def _slo_facts(slo: model.SLO, alert: model.SLOAlert) -> dict[str, Any]:
    windows = []
    for w in alert.windows:
        windows.append({
            "long": format_seconds(w.long_s),
            "short": format_seconds(w.short_s),
            "factor": fmt_decimal(w.factor),
            "budget_percent": fmt_decimal(w.budget_fraction * 100),
            "exhaustion": format_seconds(round(slo.exhaustion_s(w.factor) / 60) * 60),
            "bad_percent": fmt_decimal(w.factor * slo.budget * 100),
        })
    outage = ""
    plan = synthetic_inputs(slo)
    if not isinstance(plan, str):
        outage = format_seconds(suites.outage_fires(slo, plan, alert.name)[0] * 60)
    return {
        "name": slo.name,
        "tier": alert.tier,
        "kind": alert.kind,
        "description": slo.description,
        "objective_percent": fmt_decimal(slo.objective_percent),
        "budget_percent": fmt_decimal(slo.budget * 100),
        "period": f"{slo.period_days}d",
        "sli_kind": slo.sli.kind,
        "group_by": list(slo.group_by),
        "min_events": slo.min_events,
        "windows": windows,
        "for": format_ms(alert.for_ms) if alert.for_ms else "",
        "outage_fires_after": outage,
    }


def _slo_queries(slo: model.SLO) -> list[dict[str, str]]:
    sel = recorded_selector(slo)
    out = [
        {"what": "Burn rate now (1 = spending the budget exactly over the period)",
         "expr": f"{conventions.BURN_RATE}{sel}"},
        {"what": "Error budget left over the period (1 = untouched, below 0 = overspent)",
         "expr": f"{conventions.BUDGET_REMAINING}{sel}"},
    ]
    windows = sorted({w.long_s for a in slo.alerts for w in a.windows})
    out += [{"what": f"Error ratio over {format_seconds(s)}",
             "expr": f"{conventions.error_ratio(s)}{sel}"} for s in windows[:1]]
    if slo.sli.kind != "raw":
        out.append({"what": "Bad events per second, from the raw series",
                    "expr": slo.sli.errors})
    return out


def _links(project: model.Project, service: str, slo: str, expr: str) -> dict[str, str]:
    return {
        "graph": conventions.prometheus_graph(project.prometheus_url, expr)
        if project.prometheus_url else "",
        "dashboard": conventions.grafana_dashboard(project.grafana_url, service, slo)
        if project.grafana_url else "",
    }


def _routing(project: model.Project, team: str, labels: dict[str, str]) -> dict[str, Any]:
    plan = project.routing
    if plan is None:
        return {"team": team, "team_description": "", "receivers": [], "escalation": []}
    described = {r.name: r.description for r in plan.receivers}
    names = list(dict.fromkeys(router.deliver(plan.tree, labels)))
    spec_team = plan.teams.get(team)
    return {
        "team": team,
        "team_description": spec_team.description if spec_team else "",
        "receivers": [{"name": n, "description": described.get(n, "")} for n in names],
        "escalation": list(spec_team.escalation) if spec_team else [],
    }
