"""Multi-window, multi-burn-rate alert math (Google SRE workbook, chapter 5), per policy.

A tier (page or ticket) fires when the error budget is being spent fast enough that
`budget_fraction` of it would be gone within `long` — confirmed over `short`, so that the
alert resets soon after the burn stops:

    factor = budget_fraction × period / long

A policy gives each tier its conditions. The built-in `workbook` policy uses the workbook's
long windows (1h, 6h, 1d, 3d) for periods of 28 days and more, so a 30d SLO pages at
14.4×/6× and tickets at 3×/1×, and a 28d SLO at 13.44/5.6/2.8/0.9333 (the Sloth defaults).
Shorter periods scale its windows by period/28d — a 7d SLO watches 15m, 1h30m, 6h and 18h —
which keeps each tier's factors and its share of the period; without the scaling a 7d SLO's
slowest ticket would need a burn of 0.23, i.e. fire while within budget. Longer periods are
not scaled, so their factors grow with the period: a 90d SLO's 1h page needs 43.2×, which a
5% budget cannot reach (the build checks reject such a condition).
Policies of Settings.alert_policies give their windows explicitly: they are never scaled, and
each condition gives its factor, or its budget share (the factor then follows the period).
Windows are whole minutes and never shorter than the base rate window (5m) the SLI records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache

from obsgen import durations
from obsgen.conventions import BASE_WINDOW_S
from obsgen.model import BurnWindow
from obsgen.spec.policies import WORKBOOK, AlertPolicy, PolicyCondition
from obsgen.spec.service import Settings

PIVOT_DAYS = 28
TIERS = ("page", "ticket")
_FACTOR_PLACES = Decimal("0.0001")
_FRACTION_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Condition:
    """One condition of a policy tier: exactly one of `budget_share` (a ratio of the budget
    spent within `long_s`) and `factor` is set."""

    long_s: int
    short_s: int
    budget_share: Decimal | None = None
    factor: Decimal | None = None


@dataclass(frozen=True)
class Policy:
    name: str
    page: tuple[Condition, ...]
    ticket: tuple[Condition, ...]
    scaled: bool = False
    """Windows scale by period/28d for periods under 28 days (the workbook policy only)."""

    def conditions(self, tier: str) -> tuple[Condition, ...]:
        return self.page if tier == "page" else self.ticket


WORKBOOK_POLICY = Policy(
    WORKBOOK,
    page=(Condition(3600, 300, Decimal("0.02")), Condition(21600, 1800, Decimal("0.05"))),
    ticket=(Condition(86400, 7200, Decimal("0.1")), Condition(259200, 21600, Decimal("0.1"))),
    scaled=True,
)


def policy_of(name: str, spec: AlertPolicy) -> Policy:
    def condition(c: PolicyCondition) -> Condition:
        return Condition(
            durations.parse_ms(c.long) // 1000, durations.parse_ms(c.short) // 1000,
            None if c.budget_share is None else c.budget_share / 100, c.factor)

    return Policy(name, tuple(map(condition, spec.page)), tuple(map(condition, spec.ticket)))


@dataclass(frozen=True)
class PolicyBook:
    """The policies an SLO may select, and the default."""

    policies: Mapping[str, Policy]
    default: str = WORKBOOK

    def get(self, name: str | None) -> Policy:
        """The policy `name` (None: the default); an unknown name (reported by the spec
        checks) falls back to the workbook, so the build checks still run."""
        return self.policies.get(name or self.default, WORKBOOK_POLICY)


def policy_book(settings: Settings | None) -> PolicyBook:
    settings = settings or Settings.defaults()
    policies = {name: policy_of(name, p) for name, p in settings.alert_policies.items()}
    return PolicyBook({WORKBOOK: WORKBOOK_POLICY, **policies}, settings.default_alert_policy)


DEFAULT_BOOK = PolicyBook({WORKBOOK: WORKBOOK_POLICY})


@cache
def burn_windows(period_days: int, tier: str, policy: Policy = WORKBOOK_POLICY
                 ) -> tuple[BurnWindow, ...]:
    period_s = period_days * 86400
    scale = min(Fraction(period_days, PIVOT_DAYS), Fraction(1)) if policy.scaled else 1
    out = []
    for c in policy.conditions(tier):
        long_w = max(_minutes(c.long_s * scale), BASE_WINDOW_S)
        short_w = min(max(_minutes(c.short_s * scale), BASE_WINDOW_S), long_w)
        if c.budget_share is not None:
            fraction = c.budget_share
            factor = (fraction * period_s / long_w).quantize(_FACTOR_PLACES, ROUND_HALF_UP)
        else:
            assert c.factor is not None
            factor = c.factor
            fraction = share_of(factor, long_w, period_days)
        out.append(BurnWindow(long_s=long_w, short_s=short_w, budget_fraction=fraction,
                              factor=factor.normalize()))
    return tuple(out)


def share_of(factor: Decimal, window_s: int, period_days: int) -> Decimal:
    """The share of the budget a burn of `factor` spends within `window_s`."""
    share = factor * window_s / (period_days * 86400)
    return share.quantize(_FRACTION_PLACES, ROUND_HALF_UP).normalize()


def _minutes(seconds: Fraction | int) -> int:
    """Round to whole minutes, halves up."""
    return int((Fraction(seconds) / 60 + Fraction(1, 2)) // 1) * 60


@cache
def all_windows(period_days: int, policy: Policy = WORKBOOK_POLICY,
                extra: tuple[int, ...] = (), tiers: tuple[str, ...] = TIERS) -> tuple[int, ...]:
    """Every window (seconds) the SLI is recorded over for alerts, ascending: the policy's
    for `tiers` (a disabled tier's too) and `extra` (the threshold tiers' windows)."""
    found = {BASE_WINDOW_S, *extra}
    for tier in tiers:
        for w in burn_windows(period_days, tier, policy):
            found.update((w.long_s, w.short_s))
    return tuple(sorted(found))
