"""Checks of the no-data fields (`spec/nodata.py`), each located at the key to change."""

from __future__ import annotations

from collections.abc import Iterator

from obsgen.errors import Diagnostic
from obsgen.matchers import read_selectors
from obsgen.promql import substitute_window
from obsgen.spec.loader import Document
from obsgen.spec.service import ServiceSpec


def problems(doc: Document, svc: ServiceSpec) -> Iterator[Diagnostic]:
    for i, slo in enumerate(svc.slos):
        raw = slo.sli.raw
        if raw is None or slo.no_data.disabled:
            continue
        if not read_selectors(substitute_window(raw.error_ratio, "5m")):
            yield doc.diagnostic(
                ("slos", i, "sli", "raw", "error_ratio"),
                "the raw SLI reads no series, so its no-data alert has nothing to watch",
                "set no_data: {disabled: true} on this SLO, or read the SLI's series")
    for i, alert in enumerate(svc.alerts):
        if alert.absent is not None and not read_selectors(alert.expr):
            yield doc.diagnostic(
                ("alerts", i, "absent"),
                f"{alert.expr.strip()!r} reads no series, so there is nothing to be absent",
                "remove absent: from this alert")
    seen: dict[str, int] = {}
    for i, job in enumerate(svc.scrape_jobs):
        if job.job in seen:
            yield doc.diagnostic(
                ("scrape_jobs", i, "job"), f"duplicate scrape job {job.job!r}",
                f"already listed as scrape_jobs[{seen[job.job]}]; merge the two (the "
                "selector narrows one job's targets)")
        seen.setdefault(job.job, i)
