"""Checks that need more than one field's value, each located at the field to change.

pydantic's model validators can only point at a whole model; these run after it on valid
documents and name the exact key (`alerts[0].labels.severity`), so the message lands on the
line to edit.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

from obsgen.errors import Diagnostic
from obsgen.spec.checks import dashboards as dashboard_checks
from obsgen.spec.checks import nodata as nodata_checks
from obsgen.spec.loader import Document, PathKey
from obsgen.spec.service import RESERVED_LABELS, ServiceSpec, Settings, SLOSpec

RESERVED_ANNOTATIONS = ("summary", "description", "runbook_url", "dashboard_url",
                        "obsgen_runbook_url")


def service_problems(doc: Document, svc: ServiceSpec) -> Iterator[Diagnostic]:
    yield from _reserved_labels(doc, ("metadata", "labels"), svc.metadata.labels)
    for i, slo in enumerate(svc.slos):
        at: PathKey = ("slos", i)
        yield from _reserved_labels(doc, (*at, "labels"), slo.labels)
        yield from _reserved_annotations(doc, (*at, "annotations"), slo.annotations)
        for tier in ("page", "ticket"):
            alert = getattr(slo.alerts, tier)
            yield from _reserved_labels(doc, (*at, "alerts", tier, "labels"), alert.labels)
            yield from _reserved_annotations(
                doc, (*at, "alerts", tier, "annotations"), alert.annotations
            )
        yield from _slo_problems(doc, at, slo)
    for i, alert in enumerate(svc.alerts):
        yield from _reserved_labels(doc, ("alerts", i, "labels"), alert.labels)
        yield from _reserved_annotations(doc, ("alerts", i, "annotations"), alert.annotations)
    yield from _probe_problems(doc, svc)
    yield from nodata_checks.problems(doc, svc)
    yield from dashboard_checks.problems(doc, svc)


PROBE_LABELS = ("probe", "job", "instance")
"""Labels of a probe's series that its scrape job sets."""


def _probe_problems(doc: Document, svc: ServiceSpec) -> Iterator[Diagnostic]:
    names: dict[str, int] = {}
    for i, probe in enumerate(svc.probes):
        at: PathKey = ("probes", i)
        if probe.name in names:
            yield doc.diagnostic((*at, "name"), f"duplicate probe name {probe.name!r}",
                                 f"already used by probes[{names[probe.name]}]; rename one")
        names.setdefault(probe.name, i)
        yield from _reserved_labels(doc, (*at, "labels"), probe.labels)
        for name in probe.labels:
            if name in PROBE_LABELS:
                yield doc.diagnostic((*at, "labels", name),
                                     f"label {name!r} is set by the probe's scrape job",
                                     "remove it", at_key=True)
        problem = probe.timing_problem()
        if problem:
            yield doc.diagnostic((*at, problem[0]), problem[1],
                                 "lower the timeout or raise the interval (at least 5s)")
    for i, slo in enumerate(svc.slos):
        if slo.sli.probe is not None and slo.sli.probe.name not in names:
            near = difflib.get_close_matches(slo.sli.probe.name, list(names), n=1)
            hint = f"did you mean {near[0]!r}?" if near else "declare it under probes:"
            yield doc.diagnostic(("slos", i, "sli", "probe", "name"),
                                 f"no probe {slo.sli.probe.name!r} in this service", hint)


def settings_problems(doc: Document, settings: Settings) -> Iterator[Diagnostic]:
    yield from _reserved_labels(doc, ("rule_labels",), settings.rule_labels)
    if settings.runbook_templates:
        folder = Path(doc.file).parent / settings.runbook_templates
        if not folder.is_dir():
            yield doc.diagnostic(
                ("runbook_templates",),
                f"no folder {folder.as_posix()}",
                "give a folder of .md.j2 templates relative to this file, or remove the setting",
            )


def _reserved_labels(doc: Document, at: PathKey, labels: dict[str, str]) -> Iterator[Diagnostic]:
    for name in labels:
        if name in RESERVED_LABELS:
            yield doc.diagnostic(
                (*at, name),
                f"label {name!r} is set by obsgen on every alert",
                "remove it: it comes from the service name, team, severity or SLO",
                at_key=True,
            )


def _reserved_annotations(
    doc: Document, at: PathKey, annotations: dict[str, str]
) -> Iterator[Diagnostic]:
    for name in annotations:
        if name in RESERVED_ANNOTATIONS:
            hint = (
                "use the alert's own summary/description field"
                if name not in ("runbook_url", "obsgen_runbook_url")
                else "remove it, and give the team's own runbook as runbook.url: runbook_url "
                "then opens it, obsgen_runbook_url the generated page"
            )
            yield doc.diagnostic(
                (*at, name), f"annotation {name!r} is set by obsgen", hint, at_key=True
            )


def _slo_problems(doc: Document, at: PathKey, slo: SLOSpec) -> Iterator[Diagnostic]:
    for j, label in enumerate(slo.group_by):
        if label in RESERVED_LABELS:
            yield doc.diagnostic(
                (*at, "group_by", j),
                f"cannot group by {label!r}: obsgen sets it",
                "group by a label of the SLI's series, e.g. route",
            )
    if slo.sli.raw is not None and slo.min_events:
        yield doc.diagnostic(
            (*at, "min_events"),
            "a raw SLI counts no events, so there is nothing to guard",
            "remove min_events (it applies to ratio and latency SLIs)",
        )
