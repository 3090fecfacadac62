"""Notification-time worst cases: from the incident's start to the notification, per alert.

    scrape interval                 the first sample that shows the incident
  + rule evaluation interval        of the alert's group (the phase of its evaluations)
  + recording interval              SLO tiers: the error ratios come from another group
  + detection                       SLO tiers: the simulated total outage (`obsgen explain`);
                                    plain alerts: `for` (or consecutive samples x every) plus
                                    the expression's range window when one sample cannot
                                    flip it
  + max(group_wait, group_interval) over the routes the alert ends on: group_wait opens a
                                    group, group_interval is what an alert joining a group
                                    already notified waits

Every term is an upper bound (an SLO tier's detection up to its simulation step), so the sum
is one; what it leaves out: the receiver's own delivery (network, PagerDuty, Telegram), and
time outside a route's active time intervals, where notifications wait for the interval.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import promql_parser

from obsgen import model
from obsgen.durations import format_ms
from obsgen.errors import Diagnostic
from obsgen.proof import suites
from obsgen.proof.traffic import synthetic_inputs

FIRST_SAMPLE = frozenset({
    "increase", "rate", "irate", "delta", "idelta", "changes", "resets", "count_over_time",
    "max_over_time", "last_over_time", "present_over_time", "sum_over_time",
})
"""Range functions that one sample after an event moves off 0: compared `> 0`, they fire
on the first scrape after the event, whatever their window."""


@dataclass(frozen=True, kw_only=True)
class Term:
    name: str
    ms: int
    why: str
    shrink: str
    """How to make it smaller, for the error's hint."""
    detection: bool = False
    """Part of the alert's detection time (left out of a budget counted from the condition)."""


@dataclass(frozen=True, kw_only=True)
class Check:
    """One budget the alert must meet, over the routes it applies to."""

    budget: model.Budget
    terms: tuple[Term, ...]
    checked: bool
    """False when the detection time it needs is not derived."""

    @property
    def worst_ms(self) -> int:
        return sum(t.ms for t in self.terms)

    def over(self) -> bool:
        return self.checked and self.worst_ms > self.budget.ms


@dataclass(frozen=True, kw_only=True)
class Breakdown:
    notification: model.Notification
    terms: tuple[Term, ...]
    """Scrape, evaluation and detection: what every route shares."""
    waits: tuple[tuple[model.Wait, Term], ...]
    """Each route with its Alertmanager term."""
    unknown: str = ""
    """Why the detection time is not derived (the worst case from the incident is then not
    known)."""

    @property
    def worst_ms(self) -> int:
        return sum(t.ms for t in self.terms) + max((t.ms for _, t in self.waits), default=0)

    def checks(self) -> list[Check]:
        """Each budget (the alert's own, else each route's), with the slowest of its routes."""
        by_budget: dict[model.Budget, Term] = {}
        for wait, term in self.waits:
            budget = self.notification.budget or wait.budget
            if budget is not None and (budget not in by_budget
                                       or term.ms > by_budget[budget].ms):
                by_budget[budget] = term
        found = []
        for budget, wait_term in by_budget.items():
            counted = [t for t in self.terms
                       if not (t.detection and budget.counted_from == "condition")]
            found.append(Check(budget=budget, terms=(*counted, wait_term),
                               checked=not self.unknown or budget.counted_from == "condition"))
        return found


def sum_text(terms: tuple[Term, ...]) -> str:
    return " + ".join(f"{t.name} {format_ms(t.ms)}" for t in terms if t.ms)


def _ranges(node: object, func: str = "") -> Iterator[tuple[str, int]]:
    """(enclosing function, range in ms) of every range selector and subquery."""
    if isinstance(node, promql_parser.Call):
        for arg in node.args:
            yield from _ranges(arg, node.func.name)
        return
    if isinstance(node, promql_parser.MatrixSelector):
        yield func, int(node.range.total_seconds() * 1000) if node.range else 0
        return
    if isinstance(node, promql_parser.SubqueryExpr):
        step = node.step.total_seconds() if node.step else 0
        length = node.range.total_seconds() if node.range else 0
        yield func, int((length + step) * 1000)
        yield from _ranges(node.expr)
        return
    for name in ("lhs", "rhs", "expr", "param"):
        child = getattr(node, name, None)
        if child is not None and type(child).__module__ == "promql_parser":
            yield from _ranges(child)


def _events_only(node: object) -> bool:
    """Every comparison with a number is `> 0` (or `>= 1`): an event, not a level."""
    if isinstance(node, promql_parser.BinaryExpr):
        op = str(node.op)
        if op in (">", ">=", "<", "<=", "==", "!="):
            number = node.rhs if isinstance(node.rhs, promql_parser.NumberLiteral) else None
            if number is None or (op, number.val) not in ((">", 0.0), (">=", 1.0)):
                return False
        return _events_only(node.lhs) and _events_only(node.rhs)
    for name in ("expr", "param"):
        child = getattr(node, name, None)
        if child is not None and type(child).__module__ == "promql_parser":
            return _events_only(child)
    if isinstance(node, promql_parser.Call):
        return all(_events_only(a) for a in node.args)
    return True


def window_term(expr: str) -> Term | None:
    """The range window a plain alert's expression may need before it turns true."""
    tree = promql_parser.parse(expr)
    ranges = list(_ranges(tree))
    if not ranges:
        return None
    if _events_only(tree) and all(f in FIRST_SAMPLE for f, _ in ranges):
        return Term(name="window", ms=0, why="an event compared > 0: the first sample after "
                    "it fires, whatever the window", shrink="")
    longest = max(ms for _, ms in ranges)
    return Term(name="window", ms=longest,
                why=f"the longest range window ({format_ms(longest)}): a level past the "
                "threshold shows in full once the window holds only samples after it "
                "(upper bound)",
                shrink="a shorter range window in expr")


def _detection(project: model.Project, n: model.Notification
               ) -> tuple[list[Term], str]:
    svc = next(s for s in project.services if s.name == n.service)
    where = f"of the alert at {n.at.file}:{n.at.line}" if n.at else ""
    if n.slo:
        slo = next(s for s in svc.slos if s.name == n.slo)
        plan = synthetic_inputs(slo)
        if isinstance(plan, str):
            return [], f"no simulated timing ({plan})"
        if not any(a.name == n.alert for a in slo.alerts):
            return [], "no simulated timing"
        minutes, step = suites.outage_fires(slo, plan, n.alert)
        fires = minutes * 60_000
        return [Term(name="detection", ms=fires, detection=True,
                     why=f"the simulated total outage fires it (obsgen explain "
                     f"{n.service}/{n.slo}; upper bound up to the {step}m step)",
                     shrink=f"a faster policy, shorter windows or a shorter `for` "
                     f"{where.replace('the alert', 'the SLO')}")], ""
    alert = next(a for a in svc.alerts if a.name == n.alert)
    terms: list[Term] = []
    if alert.consecutive is not None:
        c = alert.consecutive
        terms.append(Term(name="consecutive", ms=c.samples * c.every_ms,
                          why=f"{c.samples} samples {format_ms(c.every_ms)} apart", detection=True,
                          shrink=f"fewer consecutive samples {where}"))
    elif alert.for_ms:
        terms.append(Term(name="for", ms=alert.for_ms, why="the alert's for", detection=True,
                          shrink=f"a shorter `for` {where}"))
    window = window_term(alert.consecutive.condition if alert.consecutive else alert.expr)
    if window is not None:
        shrink = ("fewer failures or a shorter interval of the probe"
                  if n.scrape_set == "the probe's interval" else window.shrink)
        terms.append(Term(name=window.name, ms=window.ms, why=window.why, detection=True,
                          shrink=f"{shrink} {where}" if window.ms else ""))
    return terms, ""


def breakdown(project: model.Project, n: model.Notification) -> Breakdown:
    terms = [Term(name="scrape", ms=n.scrape_ms, why=n.scrape_set,
                  shrink="a shorter cadence.scrape_interval in the Routing document (if "
                  "Prometheus scrapes the inputs that often)" if n.scrape_set.startswith(
                      "Routing") else "a shorter interval of the probe")]
    if n.recording_ms:
        terms.append(Term(name="recording", ms=n.recording_ms,
                          why="the SLO's error ratios are recorded by another rule group",
                          shrink="a shorter evaluation_interval of the service"))
    alert_at = f" at {n.at.file}:{n.at.line}" if n.at else ""
    own = n.evaluation_set.startswith("the alert's")
    terms.append(Term(name="evaluation", ms=n.evaluation_ms, why=n.evaluation_set,
                      shrink=f"a shorter evaluation_interval of the alert{alert_at}" if own
                      else f"set evaluation_interval on the alert{alert_at} or its service"))
    detection, unknown = _detection(project, n)
    team = next((s.team for s in project.services if s.name == n.service), "")
    waits = []
    for w in n.waits:
        ms = max(w.group_wait_ms, w.group_interval_ms)
        waits.append((w, Term(
            name="group_wait" if ms == w.group_wait_ms else "group_interval", ms=ms,
            why=f"{w.kind} -> {w.receiver}: group_wait {format_ms(w.group_wait_ms)} opens a "
            f"group, group_interval {format_ms(w.group_interval_ms)} for an alert joining one "
            "already notified",
            shrink=f"a shorter {'group_wait' if ms == w.group_wait_ms else 'group_interval'}"
            f" on team {team}'s {w.kind} delivery")))
    return Breakdown(notification=n, terms=(*terms, *detection), waits=tuple(waits),
                     unknown=unknown)


def describe(b: Breakdown, indent: str = "  ") -> list[str]:
    """The breakdown as lines, for `obsgen explain`."""
    head = (f"{indent}notified at worst: not derived ({b.unknown})" if b.unknown
            else f"{indent}notified at worst {format_ms(b.worst_ms)} after the incident starts")
    lines = [head]
    lines += [f"{indent}  + {t.name} {format_ms(t.ms)}: {t.why}" for t in b.terms]
    for w, t in b.waits:
        held = [f"held outside {', '.join(w.active_time_intervals)}"] if (
            w.active_time_intervals) else []
        held += [f"muted in {', '.join(w.mute_time_intervals)}"] if w.mute_time_intervals else []
        note = f" ({'; '.join(held)}: counted from when delivery is allowed)" if held else ""
        lines.append(f"{indent}  + {t.name} {format_ms(t.ms)}: {t.why}{note}")
    for c in b.checks():
        verdict = ("not checked: the detection time is not derived" if not c.checked
                   else f"{format_ms(c.worst_ms)}, over it" if c.over()
                   else f"{format_ms(c.worst_ms)}, within it")
        lines.append(f"{indent}budget {format_ms(c.budget.ms)} from the {c.budget.counted_from} "
                     f"({c.budget.source}): {verdict}")
    return lines


def problems(project: model.Project) -> list[Diagnostic]:
    """Every budget the worst case exceeds, located at the budget, naming the largest term;
    and every budget counted from the incident of an alert whose detection is not derived
    (an SLO tier obsgen cannot simulate): it could not be checked."""
    found = []
    for n in project.notifications.values():
        if n.budget is None and not any(w.budget for w in n.waits):
            continue
        b = breakdown(project, n)
        for c in b.checks():
            if not c.checked:
                at = c.budget.at
                found.append(Diagnostic(
                    at.file, at.line, at.col, at.path,
                    f"alert {n.alert} ({n.service}) has a budget counted from the incident, "
                    f"but its detection time is not derived: {b.unknown}",
                    "count the budget from the condition (notify_from: condition), which "
                    "leaves the detection out"))
                continue
            if not c.over():
                continue
            largest = max((t for t in c.terms if t.shrink), key=lambda t: t.ms)
            at = c.budget.at
            found.append(Diagnostic(
                at.file, at.line, at.col, at.path,
                f"alert {n.alert} ({n.service}) can take {format_ms(c.worst_ms)} from the "
                f"{c.budget.counted_from} to notify, over the {format_ms(c.budget.ms)} "
                f"budget: {sum_text(c.terms)}",
                f"shrink the {largest.name} ({format_ms(largest.ms)}): {largest.shrink}; or "
                "raise the budget"))
    return found
