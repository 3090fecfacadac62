"""Lint's check of the steady burns an SLO never alerts on (the analysis is
`obsgen.proof.sensitivity`).

Why: a tier's slowest factor is a promise nobody wrote down. Above 1x every steady burn
spends the whole budget before the SLO window ends, but only burns above the lowest enabled
factor alert; a 90d SLO (slowest ticket at 3x) lets a 2.9x burn empty its budget in 31 days
without a ticket. This makes that band visible per SLO, and holds it to the team's stated
`alerts.tolerated_burn`:

- no tolerance stated, a silent band: a warning naming the band and the exhaustion time;
- a tolerance at or above the lowest factor: a note (the team accepted the band);
- a tolerance below the lowest factor: an error, with what would close the gap.

`findings(project)` reads only the model, so the lint command can call it on the project it
builds from the specs; the file of each finding is the spec file of the service.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from obsgen import model
from obsgen.durations import format_seconds
from obsgen.lint import OWN, Finding
from obsgen.model import fmt_decimal
from obsgen.proof import sensitivity


def findings(project: model.Project) -> list[Finding]:
    """One finding per SLO with a silent band (or a tolerance it breaks), sorted."""
    out = [f for svc in project.services for slo in svc.slos
           if (f := finding(svc, slo)) is not None]
    return sorted(out)


def finding(svc: model.Service, slo: model.SLO) -> Finding | None:
    band = sensitivity.band(slo)
    tolerated = slo.tolerated_burn
    where = f"{svc.name}/{slo.name}: "
    if band.lowest is None:
        return Finding(svc.source, OWN, "warning" if tolerated is None else "error",
                       where + sensitivity.band_line(band))
    if not band.silent:
        return None
    lowest = fmt_decimal(band.lowest)
    exhaustion = band.exhaustion_days()
    assert exhaustion is not None
    text = (f"{where}burns between 1x and {lowest}x never alert (budget gone in "
            f"{sensitivity.days(exhaustion)} days at {lowest}x)")
    if tolerated is None:
        return Finding(svc.source, OWN, "warning",
                       f"{text}: {_remedy(slo, band, Decimal(1))}, or accept the band with "
                       f"alerts.tolerated_burn: {lowest}")
    if band.lowest <= tolerated:
        return Finding(svc.source, OWN, "note",
                       f"{text}: accepted, tolerated_burn is {fmt_decimal(tolerated)}")
    return Finding(svc.source, OWN, "error",
                   f"{text}; tolerated_burn is {fmt_decimal(tolerated)}: "
                   f"{_remedy(slo, band, tolerated)}, "
                   f"or raise tolerated_burn to {lowest}")


def _remedy(slo: model.SLO, band: sensitivity.Band, burn: Decimal) -> str:
    """What would bring the slowest factor to `burn` or below with the fields a spec has: the
    factors follow from fixed budget shares and the window, so enabling the ticket tier or
    shortening the window. A silent band with the ticket tier on means a window above 30d,
    where long windows are fixed and the factor is share × window / long window."""
    if not any(a.tier == "ticket" for a in slo.alerts):
        return "enable the ticket tier (alerts.ticket.disabled: false)"
    w = band.window
    assert w is not None
    share, long = fmt_decimal(w.budget_fraction * 100), format_seconds(w.long_s)
    days = math.floor(Fraction(burn) * w.long_s / (Fraction(w.budget_fraction) * 86400))
    return (f"shorten the window to {days}d or less (the {long} ticket condition's factor is "
            f"{share}% × window / {long})")
