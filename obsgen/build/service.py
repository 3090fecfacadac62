"""Build stage: validated specs -> the target-neutral model (`obsgen.model`).

Defaults are applied and every alert gets its final labels and annotations here, once, so
that each target renders the same facts.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from obsgen import durations, model

from obsgen import conventions

from obsgen.build import routing
from obsgen.build import probes as probes_core
from obsgen.model import fmt_decimal
from obsgen.build.sli import build_sli
from obsgen.build.burn import BurnWindow, burn_windows, exhaustion_s
from obsgen.spec import service as spec
from obsgen.spec.checks.dashboards import evaluate as evaluate_dashboard
from obsgen.spec.checks.dashboards import jsonnet_path
from obsgen.spec.validate import ValidSpecs, default_alert_name

DEFAULT_SEVERITY = {"page": "page", "ticket": "ticket"}
DEFAULT_MIN_EVENTS = 100


def build(specs: ValidSpecs, templates: Path | None = None) -> model.Project:
    """`templates`: a runbook templates folder given on the command line (overrides Settings)."""
    settings = specs.settings
    base_url = settings.runbook_base_url.rstrip("/") if settings else ""
    extra = dict(settings.rule_labels) if settings else {}
    grafana_url = settings.grafana_url.rstrip("/") if settings else ""
    services = [build_service(svc, doc.source, base_url, extra, file=doc.file,
                              grafana_url=grafana_url) for doc, svc in specs.services]
    merged = routing.merged([spec for _, spec in specs.routing])
    plan = None
    if merged is not None:
        group_labels = {g for s in services for slo in s.slos for g in slo.group_by}
        plan = routing.plan(merged, group_labels, extra)
    if templates is None and settings and settings.runbook_templates:
        templates = Path(specs.settings_file).parent / settings.runbook_templates
    return model.Project(
        tuple(sorted(services, key=lambda s: s.name)),
        base_url,
        plan,
        tuple(sorted({doc.source for doc, _ in specs.routing})),
        prometheus_url=settings.prometheus_url.rstrip("/") if settings else "",
        grafana_url=settings.grafana_url.rstrip("/") if settings else "",
        templates_dir=str(templates.resolve()) if templates else "",
        blackbox_exporter=settings.blackbox_exporter if settings else "blackbox-exporter:9115",
        probe_outputs=tuple(settings.probe_outputs) if settings else ("scrape_configs",),
        grafana_dashboards_path=settings.grafana_dashboards_path if settings
        else "/var/lib/grafana/dashboards/obsgen",
    )


def runbook_url(base_url: str, service: str, alert: str) -> str:
    path = f"{service}/{alert}.md"
    return f"{base_url}/{path}" if base_url else f"runbooks/{path}"


def build_service(
    svc: spec.Service, source: str, base_url: str, extra_labels: dict[str, str],
    *, file: str = "", grafana_url: str = "",
) -> model.Service:
    """`file`: the spec file as it can be opened (Jsonnet dashboards are relative to it);
    `grafana_url`: where Grafana is, for the alerts' dashboard_url."""
    meta = svc.metadata
    labels = {**extra_labels, **meta.labels, "service": meta.name, "team": meta.team}
    if meta.tier is not None:
        labels["tier"] = str(meta.tier)
    slos = tuple(_slo(meta.name, slo, labels, base_url) for slo in svc.slos)
    alerts = [_alert(meta.name, a, labels, base_url) for a in svc.alerts]
    probes = []
    for spec_probe in svc.probes:
        built = probes_core.build_probe(meta.name, spec_probe, meta.labels)
        probes.append(built)
        alerts += probes_core.build_alerts(
            built, spec_probe, labels, lambda name: runbook_url(base_url, meta.name, name))
    if grafana_url:
        alerts = [replace(a, annotations=_sorted({
            **a.annotations, "dashboard_url": conventions.grafana_dashboard(grafana_url, meta.name)}))
            for a in alerts]
        slos = tuple(replace(slo, alerts=tuple(replace(a, annotations=_sorted({
            **a.annotations,
            "dashboard_url": conventions.grafana_dashboard(grafana_url, meta.name, slo.name)}))
            for a in slo.alerts)) for slo in slos)
    boards = []
    for board in svc.dashboards:
        data = None
        if board.jsonnet:
            evaluated = evaluate_dashboard(str(jsonnet_path(file, board.jsonnet)))
            assert not isinstance(evaluated, str), evaluated  # validation reported it
            data = evaluated
        boards.append(model.ServiceDashboard(
            board.title, conventions.dashboard_uid(meta.name, board.title), board, data))
    return model.Service(meta.name, meta.team, meta.tier, meta.description, source, slos,
                         tuple(alerts), tuple(probes), tuple(boards))


def _ms(text: str | None) -> int | None:
    return None if text is None else durations.parse_ms(text)


def _alert(service: str, alert: spec.Alert, base: dict[str, str], base_url: str) -> model.Alert:
    labels = {**base, **alert.labels, "severity": alert.severity}
    wait = f" for {alert.for_}" if alert.for_ else ""
    description = alert.description or (
        f"Fires when {alert.expr.strip()} holds{wait}. Value: {{{{ $value }}}}."
    )
    annotations = {
        **alert.annotations,
        "summary": alert.summary,
        "description": description,
        "runbook_url": runbook_url(base_url, service, alert.name),
    }
    return model.Alert(
        alert.name,
        alert.expr.strip(),
        _ms(alert.for_),
        _ms(alert.keep_firing_for),
        alert.severity,
        _sorted(labels),
        _sorted(annotations),
        alert.runbook,
        tuple(
            model.AlertTest(
                t.name,
                durations.parse_ms(t.interval) // 1000,
                tuple((i.series, i.values) for i in t.input_series),
                tuple((durations.parse_ms(e.at) // 1000, tuple(_sorted(f) for f in e.firing))
                      for e in t.expect),
            )
            for t in alert.tests
        ),
        alert.description.strip(),
    )


def _slo(service: str, slo: spec.SLO, base: dict[str, str], base_url: str) -> model.SLO:
    percent = Decimal(repr(slo.objective))
    objective = percent / 100
    budget = 1 - objective
    days = durations.parse_ms(slo.window) // 86_400_000
    group = tuple(slo.group_by)
    alerts = []
    for tier in ("page", "ticket"):
        conf: spec.SLOAlert = getattr(slo.alerts, tier)
        if conf.disabled:
            continue
        name = conf.name or default_alert_name(service, slo.name, tier)
        severity = conf.severity or DEFAULT_SEVERITY[tier]
        windows = burn_windows(days, tier)
        labels = {**base, **slo.labels, **conf.labels, "slo": slo.name, "severity": severity}
        annotations = {
            **slo.annotations,
            **conf.annotations,
            "summary": _summary(service, slo, tier, group),
            "description": _description(slo, percent, days, windows),
            "runbook_url": runbook_url(base_url, service, name),
        }
        alerts.append(
            model.SLOAlert(
                tier, name, severity, windows, _ms(conf.for_), _sorted(labels), _sorted(annotations)
            )
        )
    return model.SLO(
        service=service,
        name=slo.name,
        description=slo.description,
        objective_percent=percent,
        objective=objective,
        budget=budget,
        period_days=days,
        sli=build_sli(slo.sli, group, probes_core.selector(service, slo.sli.probe.name)
                      if slo.sli.probe else ""),
        group_by=group,
        min_events=DEFAULT_MIN_EVENTS if slo.min_events is None else slo.min_events,
        alerts=tuple(alerts),
        runbook=slo.runbook,
        selector={"service": service, "slo": slo.name},
    )


def _summary(service: str, slo: spec.SLO, tier: str, group: tuple[str, ...]) -> str:
    speed = "fast" if tier == "page" else "steadily"
    where = "".join(f" {g}={{{{ $labels.{g} }}}}" for g in group)
    return f"{service} {slo.name}{where}: error budget burning {speed}"


def _description(
    slo: spec.SLO, percent: Decimal, days: int, windows: tuple[BurnWindow, ...]
) -> str:
    parts = []
    for w in windows:
        parts.append(
            f"{fmt_decimal(w.budget_fraction * 100)}% of the budget in "
            f"{durations.format_seconds(w.long_s)} (burn rate above {fmt_decimal(w.factor)}x, "
            f"still burning over the last {durations.format_seconds(w.short_s)})"
        )
    fastest = windows[0]
    lasts = durations.format_seconds(round(exhaustion_s(days, fastest.factor) / 60) * 60)
    lead = f"{slo.description.strip()} " if slo.description.strip() else ""
    return (
        f"{lead}Objective: {fmt_decimal(percent)}% good events over {days}d. "
        f"The error budget is being spent at a rate that would use {' or '.join(parts)}. "
        f"At a burn rate of {fmt_decimal(fastest.factor)}x the whole budget lasts {lasts}."
    )


def _sorted(mapping: dict[str, str]) -> dict[str, str]:
    return dict(sorted(mapping.items()))
