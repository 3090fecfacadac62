"""Alert policies and the SLO alert tiers that use them, as pydantic models.

A policy (Settings.alert_policies) gives each tier its multi-window burn-rate conditions;
an SLO picks one with `alerts.policy`, or any tier replaces them with a threshold condition
(`alerts.page.threshold`): "page when the SLI is below the objective for 10m".
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from obsgen import durations
from obsgen.conventions import BASE_WINDOW_S
from obsgen.spec.base import Spec
from obsgen.spec.types import (
    AlertName,
    Annotations,
    Duration,
    Labels,
    Severity,
    ToleratedBurn,
    fail,
)

WORKBOOK = "workbook"
"""The built-in policy: the SRE workbook's windows, scaled for periods under 28 days."""
MIN_FACTOR = Decimal("0.5")
"""The lowest burn multiple a condition may use: the generated tests' healthy traffic burns
at 0.1x, and a condition far below 1x fires while the SLO is well within its budget."""


def _window_problem(field: str, text: str) -> str:
    seconds = durations.parse_ms(text) / 1000
    if seconds < BASE_WINDOW_S or seconds % 60:
        return f"{field} {text} is not a whole number of minutes of at least 5m"
    return ""


class PolicyCondition(Spec):
    """One burn-rate condition: the error ratio over both `long` and `short` is above
    factor x budget. Give exactly one of `factor` and `budget_share`."""

    long: Duration
    """The long window, e.g. 1h: the burn must have lasted this long on average."""
    short: Duration
    """The short window, at most `long`, e.g. 5m: the burn is still going on (so the alert
    resolves soon after it stops)."""
    factor: Decimal | None = Field(default=None, ge=MIN_FACTOR, le=100_000, allow_inf_nan=False)
    """The burn multiple of the budget rate, e.g. 10 (the error ratio above 10 x budget),
    whatever the SLO's period. At least 0.5."""
    budget_share: Decimal | None = Field(default=None, gt=0, le=100, allow_inf_nan=False)
    """Instead of `factor`: the percent of the period's budget spent within `long`, workbook
    style (2 with long 1h: factor = 2% x period / 1h, 14.4 for a 30d SLO)."""

    @model_validator(mode="after")
    def _checks(self) -> PolicyCondition:
        if (self.factor is None) == (self.budget_share is None):
            raise fail("give exactly one of 'factor' and 'budget_share'",
                       "factor: a burn multiple; budget_share: percent of the budget in `long`")
        for field, text in (("long", self.long), ("short", self.short)):
            problem = _window_problem(field, text)
            if problem:
                raise fail(problem, "alert windows are recorded from 5m rates, minute by minute")
        if durations.parse_ms(self.short) > durations.parse_ms(self.long):
            raise fail(f"short {self.short} is longer than long {self.long}",
                       "the short window confirms the long one: make it shorter")
        return self


class AlertPolicy(Spec):
    """A named burn-rate policy: the conditions of each tier. A tier fires when any of its
    conditions holds. Windows are taken as given, not scaled by the SLO's period."""

    page: list[PolicyCondition] = Field(min_length=1)
    """The page tier's conditions, e.g. [{long: 1h, short: 5m, factor: 10}]."""
    ticket: list[PolicyCondition] = Field(min_length=1)
    """The ticket tier's conditions, e.g. [{long: 1d, short: 2h, budget_share: 10}]."""


class ThresholdTier(Spec):
    """A threshold condition instead of burn-rate windows: the tier fires when the error ratio
    over `window` has been above factor x budget (the SLI below the objective, for factor 1)
    continuously for `for`."""

    window: Duration = "5m"
    """The window the SLI is measured over: whole minutes, at least 5m."""
    for_: Duration = Field(alias="for")
    """How long the SLI must stay below the objective before the alert fires, e.g. 10m."""
    factor: Decimal = Field(default=Decimal(1), ge=MIN_FACTOR, le=100_000, allow_inf_nan=False)
    """A multiple of the budget: 1 (default) fires below the objective itself, 2 when the
    error ratio is twice the budget."""

    @model_validator(mode="after")
    def _checks(self) -> ThresholdTier:
        problem = _window_problem("window", self.window)
        if problem:
            raise fail(problem, "the SLI is recorded from 5m rates, minute by minute")
        if durations.parse_ms(self.for_) <= 0 or durations.parse_ms(self.for_) % 60_000:
            raise fail(f"for {self.for_} is not a whole number of minutes",
                       "write e.g. 10m: rules are evaluated every minute")
        return self


class SLOAlertSpec(Spec):
    """One alert tier (page or ticket): burn-rate conditions from the SLO's policy, or a
    threshold."""

    name: AlertName | None = None
    """Alert name; defaults to <Service><Slo>BurnRate (page) or <Service><Slo>BudgetBurn
    (ticket)."""
    disabled: bool = False
    """Set true to generate no alert for this tier."""
    severity: Severity | None = None
    """Defaults to `page` for the page tier and `ticket` for the ticket tier."""
    for_: Duration | None = Field(default=None, alias="for")
    """How long the condition must hold before firing; none by default (the short window
    already confirms the burn). With `threshold`, give `for` there instead."""
    threshold: ThresholdTier | None = None
    """Fire on the SLI being below the objective for a while instead of the policy's burn
    rates, e.g. {window: 5m, for: 10m}: "page when p95 is above 3 s for 10 minutes"."""
    labels: Labels = {}
    """Extra labels on this alert."""
    annotations: Annotations = {}
    """Extra annotations on this alert (may use {{ $labels.x }} templates)."""

    @model_validator(mode="after")
    def _one_for(self) -> SLOAlertSpec:
        if self.threshold is not None and self.for_ is not None:
            raise fail("'for' is given beside 'threshold'",
                       "give it once, as threshold.for")
        return self


class SLOAlertsSpec(Spec):
    """The two alert tiers and the burn-rate policy they follow."""

    policy: str | None = None
    """The burn-rate policy of the tiers: `workbook` (built in) or a name of
    Settings.alert_policies. Default: Settings.default_alert_policy."""
    page: SLOAlertSpec = SLOAlertSpec()
    """Fast burn: with the workbook policy, 2% of the budget in 1h, or 5% in 6h (for a 30d
    window)."""
    ticket: SLOAlertSpec = SLOAlertSpec()
    """Slow burn: with the workbook policy, 10% of the budget in 1d, or 10% in 3d (for a 30d
    window)."""
    tolerated_burn: ToleratedBurn | None = None
    """The fastest steady burn (a multiple of the budget rate, above 1) the team accepts to go
    unalerted. A steady burn at or below the lowest enabled factor never alerts (a 90d SLO's
    is 3x: its budget gone in 30 days, silently). Unset, lint's sensitivity check
    (`obsgen.lint.sensitivity`) warns about such a band; set, it accepts the band up to this
    burn (a note) and reports an error when the lowest factor is above it. `obsgen explain`
    prints the band."""
