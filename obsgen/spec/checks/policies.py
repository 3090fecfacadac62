"""Checks of the alert policy names: what an SLO or the default selects must exist.

Located at the name to change, with a did-you-mean among the known policies (the built-in
`workbook` and Settings.alert_policies).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

from obsgen.errors import Diagnostic
from obsgen.spec.loader import Document, PathKey
from obsgen.spec.policies import WORKBOOK
from obsgen.spec.service import ServiceSpec, Settings


def problems(services: Sequence[tuple[Document, ServiceSpec]],
             settings: Sequence[tuple[Document, Settings]]) -> Iterator[Diagnostic]:
    known = [WORKBOOK]
    if settings:
        doc, first = settings[0]
        known += sorted(set(first.alert_policies) - {WORKBOOK})
        if WORKBOOK in first.alert_policies:
            yield doc.diagnostic(("alert_policies", WORKBOOK),
                                 f"{WORKBOOK!r} is the built-in policy", "choose another name",
                                 at_key=True)
        if first.default_alert_policy not in known:
            yield _unknown(doc, ("default_alert_policy",), first.default_alert_policy, known)
    for doc, svc in services:
        for i, slo in enumerate(svc.slos):
            name = slo.alerts.policy
            if name is not None and name not in known:
                yield _unknown(doc, ("slos", i, "alerts", "policy"), name, known)


def _unknown(doc: Document, at: PathKey, name: str, known: list[str]) -> Diagnostic:
    near = difflib.get_close_matches(name, known, n=1)
    listed = ", ".join(known)
    hint = (f"did you mean {near[0]!r}?" if near
            else f"use one of {listed}, or define it in Settings.alert_policies")
    return doc.diagnostic(at, f"unknown alert policy {name!r}", hint)
