"""Look-alike SLOs: proven in depth once, and each of the others by its wiring.

Two SLOs of one proof shape (`proof.suites.shape`: budget, min_events, each tier's windows
and `for`, how the series are laid out, how many groups) whose rendered rules are the same
once the names are substituted (the SLI's two expressions, the recorded selector and the
alert names) compute the same thing: the first of them in the project's order is proven by
its full suites, and the others by one wiring scenario each (`proof.wiring`). The rules are
compared as rendered, so that a future option which changes one SLO's rules and not the
shape cannot hide behind the shared proof. Probe SLOs are always proven in full.
"""

from __future__ import annotations

from obsgen import model
from obsgen.proof import suites
from obsgen.proof.traffic import synthetic_inputs
from obsgen.targets.prometheus import (
    period_rules,
    recorded_selector,
    sli_rules,
    slo_alert_rule,
)


def proven_by(project: model.Project) -> dict[tuple[str, str], str]:
    """(service, SLO) of each look-alike -> "service/slo" of the SLO proven in depth."""
    first: dict[tuple[object, ...], str] = {}
    out: dict[tuple[str, str], str] = {}
    for svc in project.services:
        for slo in svc.slos:
            plan = synthetic_inputs(slo)
            if not slo.alerts or isinstance(plan, str) or plan.mode == "probe":
                continue
            key = (suites.shape(slo, plan), signature(slo))
            if key in first:
                out[(svc.name, slo.name)] = first[key]
            else:
                first[key] = f"{svc.name}/{slo.name}"
    return out


def signature(slo: model.SLO) -> str:
    """The SLO's rules (record or alert name, expression, `for`) with its own names replaced
    by placeholders."""
    rules = [*sli_rules(slo), *period_rules(slo), *(slo_alert_rule(slo, a) for a in slo.alerts)]
    names = {slo.sli.errors: "«errors»", slo.sli.total: "«total»",
             recorded_selector(slo): "«slo»"}
    names |= {a.name: f"«alert {i}»" for i, a in enumerate(slo.alerts)}
    out = []
    for rule in rules:
        text = "\n".join(f"{k}: {rule[k]}" for k in ("record", "alert", "expr", "for")
                         if k in rule)
        for name in sorted((n for n in names if n), key=len, reverse=True):
            text = text.replace(name, names[name])
        out.append(text)
    return "\n---\n".join(out)
