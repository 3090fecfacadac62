"""Build a service: its SLOs, plain alerts, probes and dashboards as model records.

Defaults are applied and every alert gets its final labels and annotations here, once, so
that each target renders the same facts.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import partial

from obsgen import conventions, durations, model
from obsgen.build import burn, nodata
from obsgen.build import probes as probes_core
from obsgen.build.burn import DEFAULT_BOOK, PolicyBook, all_windows, burn_windows
from obsgen.build.dashboards import build_dashboard
from obsgen.build.sli import build_sli
from obsgen.model import fmt_decimal
from obsgen.spec import base
from obsgen.spec import service as spec
from obsgen.spec.alerts import AlertSpec
from obsgen.spec.consecutive import rewrite

DEFAULT_SEVERITY: dict[model.Tier, str] = {"page": "page", "ticket": "ticket"}
DEFAULT_MIN_EVENTS = 100
TIERS: tuple[model.Tier, ...] = ("page", "ticket")


def build_service(
    svc: spec.ServiceSpec, source: str, base_url: str, extra_labels: dict[str, str],
    *, file: str = "", grafana_url: str = "", policies: PolicyBook = DEFAULT_BOOK,
) -> model.Service:
    """`file`: the spec file as it can be opened (Jsonnet dashboards are relative to it);
    `grafana_url`: where Grafana is, for the alerts' dashboard_url; `policies`: the burn-rate
    policies SLOs may select."""
    meta = svc.metadata
    labels = {**extra_labels, **meta.labels, "service": meta.name, "team": meta.team}
    if meta.tier is not None:
        labels["tier"] = str(meta.tier)
    intervals = {p.name: durations.parse_ms(p.interval) // 1000 for p in svc.probes}
    slos = tuple(_slo(meta.name, slo, labels, base_url, policies, intervals)
                 for slo in svc.slos)
    alerts = [_alert(meta.name, a, labels, base_url) for a in svc.alerts]
    probes = []
    for spec_probe in svc.probes:
        built = probes_core.build_probe(meta.name, spec_probe, meta.labels)
        probes.append(built)
        alerts += probes_core.build_alerts(
            built, spec_probe, labels,
            partial(conventions.runbook_annotations, base_url, meta.name,
                    existing=spec_probe.runbook.url),
            runbook(spec_probe.runbook))
    alerts += _no_data_alerts(svc, labels, base_url, alerts[:len(svc.alerts)])
    if grafana_url:
        alerts = [replace(a, annotations=_sorted({
            **a.annotations,
            "dashboard_url": conventions.grafana_dashboard(grafana_url, meta.name)}))
            for a in alerts]
        slos = tuple(replace(slo, alerts=tuple(replace(a, annotations=_sorted({
            **a.annotations,
            "dashboard_url": conventions.grafana_dashboard(grafana_url, meta.name, slo.name)}))
            for a in slo.alerts)) for slo in slos)
    return model.Service(
        name=meta.name, team=meta.team, tier=meta.tier, description=meta.description,
        source=source, slos=slos, alerts=tuple(alerts), probes=tuple(probes),
        dashboards=tuple(build_dashboard(meta.name, b, file) for b in svc.dashboards),
        metrics=tuple(model.Metric(name=m.name, type=m.type, series=m.series_names(),
                                   labels=tuple(m.labels), help=m.help) for m in svc.metrics),
        evaluation_interval_ms=_ms(svc.evaluation_interval),
    )


def _no_data_alerts(svc: spec.ServiceSpec, labels: dict[str, str], base_url: str,
                    plain: list[model.Alert]) -> list[model.Alert]:
    """After the plain and probe alerts: the SLOs' no-data alerts, the plain alerts' absent
    guards, the scrape jobs' alerts (`build.nodata`)."""
    name = svc.metadata.name
    found = [nodata.slo_no_data(name, slo, labels, base_url) for slo in svc.slos]
    found += [nodata.absent_guard(name, a, b, base_url)
              for a, b in zip(svc.alerts, plain, strict=True)]
    out = [a for a in found if a is not None]
    for job in svc.scrape_jobs:
        out += nodata.scrape_job_alerts(name, job, labels, base_url)
    return out


def runbook(book: base.RunbookSpec) -> model.Runbook:
    return model.Runbook(
        id=book.id, url=book.url, impact=book.impact, symptoms=tuple(book.symptoms),
        checks=tuple(book.checks),
        actions=tuple(book.actions), escalation=tuple(book.escalation),
        post_incident=tuple(book.post_incident),
    )


def _ms(text: str | None) -> int | None:
    return None if text is None else durations.parse_ms(text)


def _alert(
    service: str, alert: AlertSpec, base: dict[str, str], base_url: str
) -> model.Alert:
    labels = {**base, **alert.labels, "severity": alert.severity}
    wait = f" for {alert.for_}" if alert.for_ else ""
    expr, consecutive = alert.expr.strip(), None
    if alert.consecutive is not None:
        c = alert.consecutive
        consecutive = model.Consecutive(samples=c.samples, every_ms=c.every_ms(),
                                        within_ms=c.within_ms(), condition=expr)
        expr = rewrite(expr, c.samples, c.every_ms(), c.within_ms())
        wait = f" for {c.samples} consecutive samples {c.every} apart"
    description = alert.description or (
        f"Fires when {alert.expr.strip()} holds{wait}. Value: {{{{ $value }}}}."
    )
    annotations = {
        **alert.annotations,
        "summary": alert.summary,
        "description": description,
        **conventions.runbook_annotations(base_url, service, alert.name, alert.runbook.url),
    }
    return model.Alert(
        name=alert.name,
        expr=expr,
        # consecutive samples are the wait: the rule fires on the evaluation that sees the last one
        for_ms=0 if consecutive is not None else _ms(alert.for_),
        keep_firing_for_ms=_ms(alert.keep_firing_for),
        severity=alert.severity,
        labels=_sorted(labels),
        annotations=_sorted(annotations),
        runbook=runbook(alert.runbook),
        tests=tuple(
            model.AlertTest(
                name=t.name,
                interval_s=durations.parse_ms(t.interval) // 1000,
                input_series=tuple((i.series, i.values) for i in t.input_series),
                expect=tuple((durations.parse_ms(e.at) // 1000,
                              tuple(_sorted(f) for f in e.firing)) for e in t.expect),
            )
            for t in alert.tests
        ),
        spec_description=alert.description.strip(),
        consecutive=consecutive,
        evaluation_interval_ms=_ms(alert.evaluation_interval),
    )


def _slo(service: str, slo: spec.SLOSpec, base: dict[str, str], base_url: str,
         policies: PolicyBook = DEFAULT_BOOK, probe_intervals: dict[str, int] | None = None
         ) -> model.SLO:
    """`probe_intervals`: the interval (seconds) of each of the service's probes."""
    days = slo.period_days
    group = tuple(slo.group_by)
    policy = policies.get(slo.alerts.policy)
    alerts = []
    for tier in TIERS:
        conf: spec.SLOAlertSpec = getattr(slo.alerts, tier)
        if conf.disabled:
            continue
        name = conf.name or conventions.slo_alert_name(service, slo.name, tier)
        severity = conf.severity or DEFAULT_SEVERITY[tier]
        windows, for_ms = tier_windows(slo, tier, policy), _ms(conf.for_)
        if conf.threshold is not None:
            for_ms = _ms(conf.threshold.for_)
        labels = {**base, **slo.labels, **conf.labels, "slo": slo.name, "severity": severity}
        described = (_threshold_description(slo, days, windows[0], for_ms or 0)
                     if conf.threshold is not None else _description(slo, days, windows))
        annotations = {
            **slo.annotations,
            **conf.annotations,
            "summary": _summary(service, slo, tier, group, conf.threshold is not None),
            "description": described,
            **conventions.runbook_annotations(base_url, service, name, slo.runbook.url),
        }
        alerts.append(model.SLOAlert(
            tier=tier, name=name, severity=severity, windows=windows, for_ms=for_ms,
            labels=_sorted(labels), annotations=_sorted(annotations),
            kind="burn" if conf.threshold is None else "threshold",
        ))
    thresholds = tuple(sorted({w.long_s for a in alerts if a.kind == "threshold"
                               for w in a.windows}))
    return model.SLO(
        service=service,
        name=slo.name,
        description=slo.description,
        objective_percent=slo.objective_percent,
        objective=slo.objective_percent / 100,
        budget=slo.budget,
        period_days=days,
        sli=build_sli(slo.sli, group, probes_core.probe_selector(service, slo.sli.probe.name)
                      if slo.sli.probe else "",
                      (probe_intervals or {}).get(slo.sli.probe.name, 0) if slo.sli.probe else 0),
        group_by=group,
        min_events=0 if slo.sli.raw is not None  # a raw SLI counts no events to guard
        else DEFAULT_MIN_EVENTS if slo.min_events is None else slo.min_events,
        alerts=tuple(alerts),
        runbook=runbook(slo.runbook),
        recorded_labels={"service": service, "slo": slo.name},
        windows_s=all_windows(days, policy, thresholds, tuple(
            t for t in TIERS if getattr(slo.alerts, t).threshold is None)),
        fastest_window_s=tier_windows(slo, "page", policy)[0].long_s,
        tolerated_burn=None if slo.alerts.tolerated_burn is None
        else Decimal(repr(slo.alerts.tolerated_burn)),
        tests=_slo_tests(slo, {a.tier: a.name for a in alerts}),
    )


def _slo_tests(slo: spec.SLOSpec, names: dict[str, str]) -> tuple[model.SLOTest, ...]:
    """The spec's tests of the SLO's alerts, each expectation's tier named by its alert
    (`build.checks` reports names that are neither)."""
    return tuple(
        model.SLOTest(
            name=t.name,
            interval_s=durations.parse_ms(t.interval) // 1000,
            input_series=tuple((i.series, i.values) for i in t.input_series),
            expect=tuple((durations.parse_ms(e.at) // 1000, names.get(e.alert, e.alert),
                          tuple(_sorted(f) for f in e.firing)) for e in t.expect),
            evaluation_interval_ms=durations.parse_ms(t.evaluation_interval),
        )
        for t in slo.tests)


def tier_windows(slo: spec.SLOSpec, tier: str, policy: burn.Policy
                 ) -> tuple[model.BurnWindow, ...]:
    """The conditions of one tier: its threshold's, or the policy's burn-rate windows."""
    threshold = getattr(slo.alerts, tier).threshold
    if threshold is None:
        return burn_windows(slo.period_days, tier, policy)
    window = durations.parse_ms(threshold.window) // 1000
    return (model.BurnWindow(
        long_s=window, short_s=window, factor=threshold.factor.normalize(),
        budget_fraction=burn.share_of(threshold.factor, window, slo.period_days)),)


def _summary(service: str, slo: spec.SLOSpec, tier: str, group: tuple[str, ...],
             threshold: bool = False) -> str:
    speed = "fast" if tier == "page" else "steadily"
    where = "".join(f" {g}={{{{ $labels.{g} }}}}" for g in group)
    if threshold:
        return f"{service} {slo.name}{where}: below its objective"
    return f"{service} {slo.name}{where}: error budget burning {speed}"


def _description(slo: spec.SLOSpec, days: int, windows: tuple[model.BurnWindow, ...]) -> str:
    parts = []
    for w in windows:
        parts.append(
            f"{fmt_decimal(w.budget_fraction * 100)}% of the budget in "
            f"{durations.format_seconds(w.long_s)} (burn rate above {fmt_decimal(w.factor)}x, "
            f"still burning over the last {durations.format_seconds(w.short_s)})"
        )
    fastest = windows[0]
    lasts = durations.format_seconds(round(model.exhaustion_s(days, fastest.factor) / 60) * 60)
    lead = f"{slo.description.strip()} " if slo.description.strip() else ""
    return (
        f"{lead}Objective: {fmt_decimal(slo.objective_percent)}% good events over {days}d. "
        f"The error budget is being spent at a rate that would use {' or '.join(parts)}. "
        f"At a burn rate of {fmt_decimal(fastest.factor)}x the whole budget lasts {lasts}."
    )


def _threshold_description(slo: spec.SLOSpec, days: int, w: model.BurnWindow,
                           for_ms: int) -> str:
    lead = f"{slo.description.strip()} " if slo.description.strip() else ""
    bad = fmt_decimal(w.factor * slo.budget * 100)
    window, held = durations.format_seconds(w.long_s), durations.format_ms(for_ms)
    below = ("below the objective" if w.factor == 1 else
             f"{fmt_decimal(w.factor)}x the error budget")
    return (
        f"{lead}Objective: {fmt_decimal(slo.objective_percent)}% good events over {days}d. "
        f"Fires when more than {bad}% of the events over {window} have been bad ({below}) "
        f"for {held}."
    )


def _sorted(mapping: dict[str, str]) -> dict[str, str]:
    return dict(sorted(mapping.items()))
