"""Grafana dashboards: each service's SLO dashboard, the spec's dashboards, the fleet overview.

Pure. Panels read the series the rules target records (`obsgen_slo:*`), never the raw
metrics, so a dashboard costs Prometheus almost nothing; the tests check that every
recorded series a panel reads is one the rules record.

Service dashboard (every service with alerts): a table of its firing alerts, a row per SLO
with the SLI
against the objective, the error budget left over the period, the burn rate over each alert
window with the alert thresholds drawn, and the total, good and bad event rates. A `slo` variable
narrows every row's queries, so an alert's `dashboard_url` opens it with its SLO selected;
then the success and duration of its synthetic probes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from grafana_foundation_sdk.builders import dashboard as builders
from grafana_foundation_sdk.models.dashboard import DashboardLinkType

from obsgen import conventions, model
from obsgen.durations import format_seconds
from obsgen.model import fmt_decimal
from obsgen.promql import grafana_free
from obsgen.targets.grafana import grid
from obsgen.targets.grafana.charts import spec_panel
from obsgen.targets.grafana.panels import (
    PanelBuilder,
    complete,
    datasource_variable,
    panel,
    to_dict,
)

SCHEMA_VERSION = 41
"""What grafana-foundation-sdk's Grafana 11.6 build writes."""
SLO_ALL = ".*"
"""The `slo` variable's value when All is selected."""


def evaluable(expr: str) -> str:
    """A panel query as Grafana sends it to Prometheus with every SLO selected."""
    return grafana_free(expr).replace("$slo", SLO_ALL)


def _base(title: str, uid: str, description: str, tags: list[str]) -> builders.Dashboard:
    return (builders.Dashboard(title).uid(uid).description(description)
            .tags(sorted(set(tags))).time("now-24h", "now").refresh("1m").editable()
            .with_variable(datasource_variable()))


def slo_dashboard(svc: model.Service) -> dict[str, Any]:
    uid = conventions.dashboard_uid(svc.name)
    board = _base(f"{svc.name} service", uid,
                  f"{conventions.description_notice(svc.source)} {svc.description}".strip(),
                  ["obsgen", "slo", svc.name, svc.team])
    if svc.slos:
        board = board.with_variable(
            builders.QueryVariable("slo").label("SLO").datasource(_ds())
            .query(f'label_values({conventions.OBJECTIVE}{{service="{svc.name}"}}, slo)')
            .multi(True).include_all(True).all_value(SLO_ALL)
            .current(_all_current()))
    board = board.with_panel(panel(
        "table", "Firing alerts", width=24, height=6,
        items=[(f'sum by (alertname, severity, slo) (ALERTS{{service="{svc.name}",'
                f'alertstate="firing"}})', "")],
        description="Alerts of this service firing now."))
    for slo in svc.slos:
        board = board.with_row(builders.Row(
            f"{slo.name}: {fmt_decimal(slo.objective_percent)}% over {slo.period_days}d"))
        for item in slo_panels(slo):
            board = board.with_panel(item)
    if svc.probes:
        jobs = "|".join(p.job for p in svc.probes)
        board = board.with_row(builders.Row("Synthetic probes"))
        board = board.with_panel(panel(
            "timeseries", "Probe success", width=12, height=8, unit="percentunit",
            items=[(f'avg by (probe) (avg_over_time(probe_success{{job=~"{jobs}"}}'
                    f"[$__rate_interval]))", "{{probe}}")],
            minimum=0, maximum=1))
        board = board.with_panel(panel(
            "timeseries", "Probe duration", width=12, height=8, unit="s",
            items=[(f'max by (probe) (probe_duration_seconds{{job=~"{jobs}"}})', "{{probe}}")]))
    return to_dict(board)


def _ds() -> Any:
    from obsgen.targets.grafana.panels import DATASOURCE

    return DATASOURCE


def _all_current() -> Any:
    from grafana_foundation_sdk.models.dashboard import VariableOption

    return VariableOption(selected=True, text="All", value="$__all")


def slo_panels(slo: model.SLO) -> list[PanelBuilder]:
    sel = f'{{service="{slo.service}",slo="{slo.name}",slo=~"$slo"}}'
    by = f" by ({', '.join(slo.group_by)})" if slo.group_by else ""
    legend = " ".join(f"{{{{{g}}}}}" for g in slo.group_by)
    fastest = min(w.long_s for a in slo.alerts for w in a.windows) if slo.alerts else 3600
    objective = float(slo.objective)
    budget = f"min{by} ({conventions.BUDGET_REMAINING}{sel})"
    out = [panel(
        "timeseries", f"SLI over {format_seconds(fastest)} against the objective", width=10,
        height=8, unit="percentunit", items=[
            (f"1 - {conventions.error_ratio(fastest)}{sel}",
             f"SLI {legend}".strip()),
            (f"{conventions.OBJECTIVE}{sel}", "objective")],
        description=slo.description or f"Good events / all events, {slo.sli.kind} SLI.",
        steps=[(None, "red"), (objective, "green")], lines=True)]
    out.append(panel(
        "stat", f"Error budget left ({slo.period_days}d)", width=4, height=8,
        unit="percentunit", items=[(budget, legend)],
        steps=[(None, "red"), (0.0, "orange"), (0.25, "green")],
        description="1 - the error ratio over the whole period / the error budget."))
    factors = sorted({(float(w.factor), a.tier) for a in slo.alerts for w in a.windows})
    windows = sorted({w.long_s for a in slo.alerts for w in a.windows})
    out.append(panel(
        "timeseries", "Burn rate per alert window", width=10, height=8, items=[
            (f"{conventions.error_ratio(s)}{sel}\n/ on (service, slo) group_left\n"
             f"{conventions.ERROR_BUDGET}{sel}", f"{format_seconds(s)} {legend}".strip())
            for s in windows],
        description="1 spends the budget exactly over the period; lines mark the alert "
                    "thresholds (red: page, orange: ticket).",
        steps=[(None, "green"), *((f, "red" if t == "page" else "orange") for f, t in factors)],
        lines=True))
    if slo.sli.kind != "raw":
        out.append(panel(
            "timeseries", "Events per second", width=12, height=8, unit="reqps", items=[
                (f"sum{by} ({conventions.REQUESTS}{sel})", f"total {legend}".strip()),
                (f"sum{by} ({conventions.REQUESTS}{sel})\n- sum{by} "
                 f"({conventions.ERRORS}{sel})", f"good {legend}".strip()),
                (f"sum{by} ({conventions.ERRORS}{sel})", f"bad {legend}".strip())],
            description="Total events, and of these the good and the bad ones (5m rates)."))
    out.append(panel(
        "timeseries", "Error budget left over time", width=12, height=8, unit="percentunit",
        items=[(budget, legend)], steps=[(None, "red"), (0.0, "orange"), (0.25, "green")],
        description="How fast the budget burns: the share of the period's error budget "
                    "left, over the dashboard's time range.", lines=True))
    return out


def spec_dashboard(svc: model.Service, board: model.ServiceDashboard) -> dict[str, Any]:
    uid = conventions.dashboard_uid(svc.name, board.title)
    built = _base(board.title, uid,
                  f"{conventions.description_notice(svc.source)} {board.description}"
                  .strip(), ["obsgen", svc.name, svc.team, *board.tags])
    for row in board.rows:
        built = built.with_row(builders.Row(row.title))
        for item in row.panels:
            built = built.with_panel(spec_panel(item))
    return to_dict(built)


def fleet_dashboard(project: model.Project) -> dict[str, Any]:
    """One table row per SLO: objective, SLI and budget left over the period, firing alerts;
    each service cell links to the service's SLO dashboard."""
    board = _base("SLO overview", conventions.FLEET_UID,
                  f"{conventions.description_notice()} Every SLO of every service.",
                  ["obsgen", "slo"])
    by = "by (service, slo)"
    named = _dashboard_label(sorted({svc.name for svc in project.services if svc.slos}))
    table = panel("table", "Every SLO", width=24, height=20, items=[
        (named(f"100 * max {by} ({conventions.OBJECTIVE})"), ""),
        (named(f"100 * min {by} (1 - {conventions.ERROR_RATIO_PERIOD})"), ""),
        (named(f"100 * min {by} ({conventions.BUDGET_REMAINING})"), ""),
        (named(f'count {by} (ALERTS{{alertstate="firing",slo!=""}}) or '
               f"0 * max {by} ({conventions.OBJECTIVE})"), "")],
        description="Worst group of each SLO over its whole period. A row opens the "
                    "service's SLO dashboard (uid in the dashboard column) with the SLO "
                    "selected.")
    table = (table.with_transformation(_transform("merge", {}))
             .with_transformation(_transform("organize", {
                 "excludeByName": {"Time": True},
                 "renameByName": {"Value #A": "objective %", "Value #B": "SLI %",
                                  "Value #C": "budget left %", "Value #D": "firing alerts"}})))
    link = "/d/${__data.fields.dashboard}?var-slo=${__data.fields.slo}"
    table = table.data_links([
        builders.DashboardLink("SLO dashboard of ${__data.fields.service}").url(link)
        .type(DashboardLinkType.LINK).keep_time(True)])
    return to_dict(board.with_panel(table))


def _dashboard_label(services: list[str]) -> Callable[[str], str]:
    """Wraps a query so that each series carries `dashboard`, the uid of its service's SLO
    dashboard: `obsgen-<service>` by one label_replace, and one more per service whose uid
    `conventions.dashboard_uid` had to shorten (a hash PromQL cannot compute)."""
    def wrap(expr: str) -> str:
        expr = f'label_replace({expr}, "dashboard", "obsgen-$1", "service", "(.+)")'
        for name in services:
            uid = conventions.dashboard_uid(name)
            if uid != f"obsgen-{name}":
                expr = f'label_replace({expr}, "dashboard", "{uid}", "service", "{name}")'
        return expr
    return wrap


def _transform(kind: str, options: dict[str, Any]) -> Any:
    from grafana_foundation_sdk.models.dashboard import DataTransformerConfig

    return DataTransformerConfig(id_val=kind, options=options)


def jsonnet_dashboard(svc: model.Service, board: model.ServiceDashboard) -> dict[str, Any]:
    """A Jsonnet dashboard with obsgen's conventions applied: uid, title, tags, the
    datasource variable, completed panel options and panel ids; instance keys dropped."""
    assert board.jsonnet is not None
    data: dict[str, Any] = json.loads(json.dumps(board.jsonnet))
    if not any(isinstance(p, dict) and "gridPos" in p for p in data.get("panels", [])):
        grid.place(data)
    for key in ("id", "version", "iteration"):
        data.pop(key, None)
    data["uid"] = board.uid
    data["title"] = board.title
    data["tags"] = sorted({*data.get("tags", []), "obsgen", svc.name, svc.team})
    data["description"] = (f"{conventions.description_notice(svc.source)} "
                           f"{board.description or data.get('description', '')}").strip()
    data.setdefault("schemaVersion", SCHEMA_VERSION)
    data.setdefault("annotations", {})
    variables = data.setdefault("templating", {}).setdefault("list", [])
    if not any(v.get("type") == "datasource" for v in variables):
        variables.insert(0, to_dict(builders.Dashboard("x").with_variable(
            datasource_variable()))["templating"]["list"][0])
    return complete(data)
