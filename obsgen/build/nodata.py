"""No-data alerts: an SLO's absent SLI inputs, the absent guard of a plain alert, and a
service's scrape jobs. Pure.

An alert over a series that is gone returns nothing, so it goes silent exactly when a scrape
target disappears. Each alert here fires on the silence itself, and carries a `model.Watch`
from which `obsgen.proof.nodata` writes its promtool tests (firing and quiet).

SLO no-data alerts follow Pyrra's `SLOMetricAbsent` (pyrra-dev/pyrra, slo/rules.go and
slo/slo.go `AbsentDuration`): `absent(<total selector>)` (Pyrra writes `... == 1`, which
absent's value 1 makes redundant), with a `for` of the time the most critical burn-rate
condition would need to fire if every event failed: factor × budget × long window, plus that
tier's `for`. obsgen keeps at least 10m (Pyrra's floor is 1m), so a restart or a missed
scrape does not raise a ticket. absent() returns one series (the selector's = matchers as
labels) whatever the SLO's group_by, so the alert is per SLO, not per group: a group whose
series vanish while others remain is not noticed.
"""

from __future__ import annotations

import math

from obsgen import conventions, durations, model
from obsgen.build.burn import burn_windows
from obsgen.durations import format_ms
from obsgen.matchers import Selector, parse_selector, read_selectors
from obsgen.promql import substitute_window
from obsgen.spec import service as spec
from obsgen.spec.alerts import AlertSpec
from obsgen.spec.nodata import ScrapeJobSpec

MIN_SLO_FOR_MS = 600_000
"""The shortest default `for` of an SLO's no-data alert."""


def absent_expr(selectors: tuple[Selector, ...], kind: model.WatchKind,
                owned: dict[str, str]) -> str:
    """`absent(a) or absent(b)` (any absent), `absent(a) and on() absent(b)` (all absent).

    absent()'s labels are its selector's = matchers; the rule's own labels (`owned`) then
    replace theirs. Two absent() series that differ only in such labels would collide ("same
    labelset after applying alert labels"), so they are aggregated without those labels."""
    joiner = "\nor\n" if kind == "absent_any" else "\nand on ()\n"
    expr = joiner.join(f"absent({s.text()})" for s in selectors)
    if kind != "absent_any":
        return expr
    raw = {tuple(sorted(s.absent_labels().items())) for s in selectors}
    final = {tuple(sorted({**dict(r), **owned}.items())) for r in raw}
    if len(final) == len(raw):
        return expr
    names = sorted({k for r in raw for k, _ in r} & set(owned))
    return f"max without ({', '.join(names)}) (\n{expr}\n)"


def slo_inputs(service: str, sli: spec.SLISpec) -> tuple[model.WatchKind, tuple[Selector, ...]]:
    """The series whose absence leaves the SLI without data."""
    if sli.ratio is not None:
        return "absent_any", (parse_selector(sli.ratio.total),)
    if sli.latency is not None:
        return "absent_any", (parse_selector(
            f"{sli.latency.histogram}_count{sli.latency.selector.strip()}"),)
    if sli.probe is not None:
        job = conventions.probe_job(service, sli.probe.name)
        return "absent_any", (parse_selector(f'probe_success{{job="{job}"}}'),)
    assert sli.raw is not None
    return "absent_all", tuple(read_selectors(substitute_window(sli.raw.error_ratio, "5m")))


def default_slo_for_ms(slo: spec.SLOSpec) -> int:
    """Pyrra's AbsentDuration, rounded up to whole minutes, at least MIN_SLO_FOR_MS."""
    fastest = burn_windows(slo.period_days, "page")[0]
    page_for = durations.parse_ms(slo.alerts.page.for_) if slo.alerts.page.for_ else 0
    burn_ms = float(fastest.factor * slo.budget) * fastest.long_s * 1000 + page_for
    return max(MIN_SLO_FOR_MS, math.ceil(burn_ms / 60_000) * 60_000)


def slo_no_data(service: str, slo: spec.SLOSpec, base: dict[str, str], base_url: str
                ) -> model.Alert | None:
    conf = slo.no_data
    if conf.disabled:
        return None
    kind, selectors = slo_inputs(service, slo.sli)
    name = conf.name or conventions.slo_no_data_alert_name(service, slo.name)
    for_ms = durations.parse_ms(conf.for_) if conf.for_ else default_slo_for_ms(slo)
    series = " or ".join(s.text() for s in selectors)
    which = "any of" if kind == "absent_any" else "all of"
    labels = {**base, **slo.labels, "slo": slo.name, "severity": conf.severity}
    annotations = {
        **slo.annotations,
        "summary": f"{service} {slo.name}: no SLI data",
        "description": f"No series matches {which} {series} since {format_ms(for_ms)} or "
                       f"more: the SLI of {slo.name} has no data and its burn-rate alerts "
                       "cannot fire.",
        "runbook_url": conventions.runbook_url(base_url, service, name),
    }
    return _alert(name, absent_expr(selectors, kind, labels), for_ms, conf.severity, labels,
                  annotations, model.Watch(kind=kind, selectors=selectors))


def absent_guard(service: str, spec_alert: AlertSpec, built: model.Alert, base_url: str
                 ) -> model.Alert | None:
    guard = spec_alert.absent
    if guard is None:
        return None
    selectors = tuple(read_selectors(built.expr))
    name = conventions.absent_guard_name(built.name)
    severity = guard.severity or built.severity
    for_ms = durations.parse_ms(guard.for_)
    annotations = {
        "summary": f"{built.name} cannot fire: the series it reads are absent",
        "description": f"No series matches {' or '.join(s.text() for s in selectors)} (read "
                       f"by {built.name}) since {format_ms(for_ms)} or more.",
        "runbook_url": conventions.runbook_url(base_url, service, name),
    }
    labels = {**built.labels, "severity": severity}
    return _alert(name, absent_expr(selectors, "absent_any", labels), for_ms, severity,
                  labels, annotations,
                  model.Watch(kind="absent_any", selectors=selectors))


def scrape_job_alerts(service: str, job: ScrapeJobSpec, base: dict[str, str], base_url: str
                      ) -> list[model.Alert]:
    up = parse_selector(job.up_selector)
    for_ms = durations.parse_ms(job.for_)
    labels = {**base, "severity": job.severity}
    down, absent = (conventions.scrape_job_alert_name(service, job.job, s)
                    for s in conventions.SCRAPE_JOB_ALERT_SUFFIXES)
    wait = format_ms(for_ms)
    return [
        _alert(down, f"{up.text()} == 0", for_ms, job.severity, labels, {
            "summary": f"{service}: target {{{{ $labels.instance }}}} of job {job.job} is down",
            "description": f"Prometheus has failed to scrape {{{{ $labels.instance }}}} "
                           f"({up.text()}) for {wait}.",
            "runbook_url": conventions.runbook_url(base_url, service, down)},
            model.Watch(kind="down", selectors=(up,))),
        _alert(absent, f"absent({up.text()})", for_ms, job.severity, labels, {
            "summary": f"{service}: job {job.job} has no scrape target",
            "description": f"No series matches {up.text()} since {wait} or more: service "
                           "discovery finds no target, so no alert on its series can fire.",
            "runbook_url": conventions.runbook_url(base_url, service, absent)},
            model.Watch(kind="absent_any", selectors=(up,))),
    ]


def _alert(name: str, expr: str, for_ms: int, severity: str, labels: dict[str, str],
           annotations: dict[str, str], watch: model.Watch) -> model.Alert:
    selectors = ", ".join(f"`{s.text()}`" for s in watch.selectors)
    checks = (f"Query {selectors} in Prometheus: which series are missing, since when?",
              "Open Status > Targets: is the job's target listed, and is it up?")
    actions = ("Restore the target or its service discovery, or fix the renamed metric or "
               "label in the spec.",)
    if watch.kind == "down":
        checks = (f"Query `{watch.selectors[0].text()} == 0`: which instances are down?",
                  "Open Status > Targets: the last scrape error of each.")
        actions = ("Restart or fix the target; check the network path from Prometheus.",)
    return model.Alert(
        name=name, expr=expr, for_ms=for_ms, keep_firing_for_ms=None, severity=severity,
        labels=dict(sorted(labels.items())), annotations=dict(sorted(annotations.items())),
        runbook=model.Runbook(checks=checks, actions=actions), watch=watch)
