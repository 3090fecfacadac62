"""Semantic lint: expressions that are valid PromQL but do not alert the way they read.

`findings(project)` runs over the model (what obsgen writes), not over the files, so each
finding names the spec file and the alert. promtool proves the rules parse and the tests
pass; these checks catch what both accept, the mistakes rule linters such as pint look for:

- a plain alert's selector without any scope matcher, in a project of several services:
  `pg_up == 0` pages its team for every Postgres exporter of the fleet;
- "any event" alerts (`increase(x[w]) > 0`) that miss the first event of a counter born
  at 1, its first event;
- ranges and subqueries of a raw SLI shorter than twice the `sample_interval` its spec
  declares: they hold one sample at most, sometimes none;
- `for` shorter than the evaluation interval, which makes it mean nothing;
- labels routing reads that the alert cannot carry: a severity in no delivery class, a
  `by (team)` the rule's own team label overwrites, a selector on another team's series.

Routing checks (inhibitions, team routes) live in `lint/routing.py`. Every message says
what is wrong, then `—` and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from obsgen import conventions, matchers, model
from obsgen.durations import format_ms, format_seconds
from obsgen.lint import Finding, exprs
from obsgen.lint import metrics as lint_metrics
from obsgen.lint import routing as lint_routing
from obsgen.lint import sensitivity as lint_sensitivity
from obsgen.promql import substitute_window

TOOL = "obsgen-semantic"
EVALUATION_INTERVAL_MS = 60_000
"""Prometheus' global `evaluation_interval`, assumed to be its 1m default (Settings declares
none): the interval of an alerting group that sets no `interval:` of its own (a service's
or an alert's `evaluation_interval`)."""
CLASSES = {sev for sevs in conventions.SEVERITY_CLASSES.values() for sev in sevs}
OWNED = ("team", "service", "severity", "alertname", "slo")
"""Labels obsgen sets on every alert: a series label of the same name is overwritten."""


def findings(project: model.Project) -> list[Finding]:
    """Every semantic finding of the project, sorted; the checks below, then routing's."""
    found: list[Finding] = []
    for check in CHECKS:
        found += check(project)
    return sorted(set(found))


def _alert_findings(project: model.Project) -> Iterator[Finding]:
    fleet = len(project.services) > 1
    for svc in project.services:
        for alert in svc.alerts:
            tree = exprs.parse(alert.expr)
            # absent() over a fleet-wide selector alerts no one for another team's series:
            # it fires only when all of them are gone (a no-data alert's watch)
            messages = [*(_unscoped(svc, alert, tree) if fleet and alert.watch is None else ()),
                        *_first_events(alert, tree), *_routed_labels(project, svc, alert, tree)]
            for level, text in messages:
                yield Finding(svc.source, TOOL, level, f"{alert.name}: {text}")
        named = [(a.name, a.for_ms, svc.group_interval_ms(a)) for a in svc.alerts]
        named += [(a.name, a.for_ms, svc.group_interval_ms()) for s in svc.slos
                  for a in s.alerts]
        for name, for_ms, interval in named:
            for level, text in _timing(for_ms, interval or EVALUATION_INTERVAL_MS):
                yield Finding(svc.source, TOOL, level, f"{name}: {text}")
        for slo in svc.slos:
            for level, text in _cadence(slo):
                yield Finding(svc.source, TOOL, level, f"SLO {slo.name}: {text}")


def _unscoped(svc: model.Service, alert: model.Alert, tree: object) -> Iterator[tuple[str, str]]:
    for sel in exprs.unscoped(alert, tree):
        fixed = exprs.Selector(sel.metric, (exprs.job(svc.name), *sel.matchers), 0).text()
        yield "warning", (
            f"selector {sel.text()} has no job, service, namespace, instance or other scope "
            f"matcher, so it matches every {sel.metric or 'such'} series of the fleet and "
            f"team {svc.team} is alerted for all of them — add a matcher such as {fixed}")


def _first_events(alert: model.Alert, tree: object) -> Iterator[tuple[str, str]]:
    for check in exprs.event_checks(tree):
        if exprs.appearance_covered(tree, check.selector.metric):
            continue
        sel, window = check.selector.text(), format_seconds(check.range_s)
        yield "warning", (
            f"{check.text} misses the first event of every {sel} series created at that "
            f"event (it starts at 1, with no earlier sample for {check.func}() to compare) — "
            f"alert on new series too: ({check.text}) or ({sel} unless {sel} offset {window}), "
            "or initialise the counter at 0 for every label value")


def _routed_labels(project: model.Project, svc: model.Service, alert: model.Alert,
                   tree: object) -> Iterator[tuple[str, str]]:
    if alert.severity not in CLASSES:
        classes = "; ".join(f"{k}: {', '.join(v)}" for k, v in conventions.SEVERITY_CLASSES.items())
        yield "error", (f"severity {alert.severity} is in no team delivery class ({classes}), "
                        "so no team route takes it — use one of these severities")
    for label in sorted(matchers.kept_labels(tree) & set(OWNED)):
        value = alert.labels.get(label, alert.name if label == "alertname" else "")
        yield "warning", (
            f"the expression keeps a {label} label (by ({label})) that the rule's "
            f'{label}="{value}" overwrites: routing never sees the series\' {label}, and series '
            "that differ only in it collide (vector contains metrics with the same labelset "
            f"after applying alert labels) — drop {label} from by (...), or label_replace it "
            f"to another name such as exported_{label}")
    services = {s.name for s in project.services}
    for sel in exprs.selectors(tree):
        for m in sel.matchers:
            other = ((m.name == "team" and m.value != svc.team)
                     or (m.name == "service" and m.value in services - {svc.name}))
            if m.op == "=" and other:
                yield "warning", (
                    f"selector {sel.text()} reads the series of {m.name} {m.value}, but the "
                    f"alert carries {m.name}=\"{alert.labels.get(m.name, '')}\" and is routed to "
                    f"team {svc.team} — move the alert to the spec of {m.value}, or drop the "
                    "matcher")


def _timing(for_ms: int | None, interval_ms: int) -> Iterator[tuple[str, str]]:
    """`interval_ms`: the evaluation interval of the alert's rule group."""
    if for_ms and for_ms < interval_ms:
        every, wait = format_ms(interval_ms), format_ms(for_ms)
        yield "warning", (
            f"for: {wait} is shorter than the {every} evaluation interval of its rule group: "
            f"the alert fires at the second evaluation that sees the condition, exactly as with "
            f"for: {every}, so `for` means nothing — set for: 0s to fire on one evaluation, or "
            f"for: {every} or longer")


def _cadence(slo: model.SLO) -> Iterator[tuple[str, str]]:
    cadence = slo.sli.sample_interval_s
    if slo.sli.kind != "raw" or not cadence:
        return
    seen: set[str] = set()
    for window in (*slo.windows_s, slo.period_days * 86400):
        text = format_seconds(window)
        tree = exprs.parse(substitute_window(slo.sli.error_ratio, text))
        for win in exprs.windows(tree):
            if win.range_s >= 2 * cadence or win.text() in seen:
                continue
            seen.add(win.text())
            kind = "subquery" if win.step_s else "range"
            over = ", ".join(s.text() for s in win.selectors) or "its expression"
            holds = "no sample at times" if win.range_s < cadence else "one sample at most"
            yield ("error" if win.range_s < cadence else "warning"), (
                f"the {kind} {win.text()} over {over} (alert window {text}) is shorter than twice "
                f"the raw SLI's sample_interval {format_seconds(cadence)}: it holds {holds}, so "
                "the error ratio goes missing or jumps — widen the window to at least "
                f"{format_seconds(2 * cadence)} (2× the cadence), or sample more often")


CHECKS: tuple[Callable[[model.Project], Iterable[Finding]], ...] = (
    _alert_findings,
    lint_routing.findings,
    lint_sensitivity.findings,
    lint_metrics.findings,
)
"""The project checks `findings` runs; another module's `findings(project)` is one more line
here."""
