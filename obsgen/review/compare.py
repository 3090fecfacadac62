"""`compare(base, head)`: two compiled versions of the specs -> a `Report` of what changed, in
the terms a reviewer thinks in (alerts, SLO figures, who is paged), not lines of YAML.

Pure: reads only the two `Side`s. Changes come in a fixed order (section, then name), so the
report of one pair of versions is always the same text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from obsgen import model
from obsgen.review import facts
from obsgen.review.changes import Change, Detail, Report, file_counts
from obsgen.targets import alertmanager

EMPHASIZED_LABELS = frozenset({"severity"})


def compare(base: facts.Side, head: facts.Side, *, base_name: str = "base",
            head_name: str = "head") -> Report:
    old_rx, new_rx = facts.receivers(base.project), facts.receivers(head.project)
    alerts, pairs = _alerts(facts.rule_alerts(base.files), facts.rule_alerts(head.files),
                            old_rx, new_rx)
    changes = [*alerts, *_slos(base.project, head.project),
               *_routing(base.project, head.project, pairs, old_rx, new_rx),
               *_dashboards(base.files, head.files), *_probes(base.project, head.project),
               *_runbooks(base.files, head.files)]
    return Report(base=base_name, head=head_name, changes=tuple(changes),
                  files=file_counts(base.files, head.files))


def _rx(names: tuple[str, ...] | None) -> str:
    return ", ".join(names) if names else "no receiver"


def _alerts(old: Mapping[str, facts.RuleAlert], new: Mapping[str, facts.RuleAlert],
            old_rx: Mapping[str, tuple[str, ...]], new_rx: Mapping[str, tuple[str, ...]],
            ) -> tuple[list[Change], list[tuple[str, str]]]:
    """Alert changes, and the (old, new) name pairs present on both sides (renames too)."""
    gone = {k: a for k, a in old.items() if k not in new}
    born = {k: a for k, a in new.items() if k not in old}
    renames: dict[str, str] = {}
    by_identity = {a.identity: k for k, a in sorted(gone.items())}
    for key, alert in sorted(born.items()):
        before = by_identity.pop(alert.identity, None)
        if before is not None:
            renames[key] = before
    out: list[Change] = []
    pairs = [(k, k) for k in sorted(set(old) & set(new))]
    for key, alert in sorted(new.items()):
        if key in renames:
            before = renames[key]
            pairs.append((before, key))
            out.append(Change(section="alerts", action="renamed", name=alert.name,
                              old_name=old[before].name,
                              summary="same expression and labels",
                              details=_alert_details(old[before], alert)))
        elif key in born:
            out.append(Change(section="alerts", action="added", name=alert.name,
                              summary=_alert_summary(alert, new_rx.get(alert.name))))
        elif details := _alert_details(old[key], alert):
            out.append(Change(section="alerts", action="changed", name=alert.name,
                              details=details))
    renamed_from = set(renames.values())
    out += [Change(section="alerts", action="removed", name=a.name,
                   summary=_alert_summary(a, old_rx.get(a.name)))
            for k, a in sorted(gone.items()) if k not in renamed_from]
    out.sort(key=lambda c: (c.name, c.action))
    return out, sorted(pairs)


def _alert_summary(alert: facts.RuleAlert, receivers: tuple[str, ...] | None) -> str:
    severity = alert.labels.get("severity", "no severity")
    service = alert.labels.get("service")
    where = f", service {service}" if service else ""
    rx = f"; reaches {_rx(receivers)}" if receivers is not None else ""
    return f"severity {severity}{where}{rx}"


def _alert_details(old: facts.RuleAlert, new: facts.RuleAlert) -> tuple[Detail, ...]:
    rows = [Detail(what="expr", old=old.expr, new=new.expr),
            Detail(what="for", old=old.for_, new=new.for_),
            Detail(what="keep_firing_for", old=old.keep_firing_for, new=new.keep_firing_for)]
    for key in sorted(set(old.labels) | set(new.labels)):
        rows.append(Detail(what=f"label {key}", old=old.labels.get(key, ""),
                           new=new.labels.get(key, ""), emphasis=key in EMPHASIZED_LABELS))
    for key in sorted(set(old.annotations) | set(new.annotations)):
        rows.append(Detail(what=f"annotation {key}", old=old.annotations.get(key, ""),
                           new=new.annotations.get(key, "")))
    return tuple(d for d in rows if d.changed)


def _slos(base: model.Project, head: model.Project) -> list[Change]:
    old, new = facts.slos(base), facts.slos(head)
    out: list[Change] = []
    for key in sorted(set(old) | set(new)):
        before = facts.slo_figures(old[key]) if key in old else {}
        after = facts.slo_figures(new[key]) if key in new else {}
        rows = [Detail(what=k, old=before.get(k, ""), new=after.get(k, ""),
                       emphasis=facts.is_timing(k))
                for k in _ordered(before, after)]
        if key not in old or key not in new:
            figures = after or before
            out.append(Change(section="slos", action="added" if key not in old else "removed",
                              name=key, summary=figures["objective"],
                              details=tuple(d for d in rows if d.what != "objective")))
        elif any(d.changed for d in rows):
            # The timings stay in even when equal: "pages after 5m -> 5m" is an answer too.
            out.append(Change(section="slos", action="changed", name=key, details=tuple(
                d for d in rows if d.changed or facts.is_timing(d.what))))
    return out


def _ordered(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    keys = list(before)
    keys += [k for k in after if k not in before]
    return keys


def _routing(base: model.Project, head: model.Project, pairs: list[tuple[str, str]],
             old_rx: Mapping[str, tuple[str, ...]], new_rx: Mapping[str, tuple[str, ...]],
             ) -> list[Change]:
    out: list[Change] = []
    for before, after in pairs:
        name_old, name_new = before.split("#")[0], after.split("#")[0]
        was, now = old_rx.get(name_old), new_rx.get(name_new)
        if was != now:
            out.append(Change(section="routing", action="changed", name=name_new,
                              details=(Detail(
                                  what="receivers", old=_rx(was), new=_rx(now),
                                  emphasis=True),)))
    old_plan, new_plan = base.routing, head.routing
    out += _named("receiver", _by_name(old_plan, "receivers"), _by_name(new_plan, "receivers"))
    out += _named("time interval", _by_name(old_plan, "time_intervals"),
                  _by_name(new_plan, "time_intervals"))
    old_inh, new_inh = _inhibitions(old_plan), _inhibitions(new_plan)
    out += [Change(section="routing", action="removed", name=f"inhibition {rule}")
            for rule in sorted(old_inh - new_inh)]
    out += [Change(section="routing", action="added", name=f"inhibition {rule}")
            for rule in sorted(new_inh - old_inh)]
    old_tree = _tree(old_plan)
    new_tree = _tree(new_plan)
    if old_tree != new_tree and old_tree and new_tree:
        out.append(Change(section="routing", action="changed", name="route tree",
                          summary="matchers, grouping or timings in alertmanager.yaml"))
    return out


def _by_name(plan: model.RoutingPlan | None, field: str) -> dict[str, dict[str, str]]:
    """Receivers or time intervals of a plan, by name: their Alertmanager settings, one
    entry per leaf (`slack_configs[0].channel`)."""
    if plan is None:
        return {}
    if field == "receivers":
        return {r.name: facts.leaves(alertmanager.receiver_dict(r)) for r in plan.receivers}
    return {t.name: facts.leaves(alertmanager.interval_dict(t)) for t in plan.time_intervals}


def _named(what: str, old: Mapping[str, Mapping[str, str]],
           new: Mapping[str, Mapping[str, str]]) -> list[Change]:
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            out.append(Change(section="routing", action="removed", name=f"{what} {name}"))
        elif name not in old:
            out.append(Change(section="routing", action="added", name=f"{what} {name}"))
        elif old[name] != new[name]:
            before, after = old[name], new[name]
            keys = [*before, *(k for k in after if k not in before)]
            out.append(Change(section="routing", action="changed", name=f"{what} {name}",
                              details=tuple(Detail(what=k, old=before.get(k, ""),
                                                   new=after.get(k, ""))
                                            for k in keys if before.get(k) != after.get(k))))
    return out


def _inhibitions(plan: model.RoutingPlan | None) -> set[str]:
    if plan is None:
        return set()
    return {f"{', '.join(m.text() for m in r.source)} mutes "
            f"{', '.join(m.text() for m in r.target)}"
            + (f" (equal: {', '.join(r.equal)})" if r.equal else "")
            for r in plan.inhibitions}


def _tree(plan: model.RoutingPlan | None) -> str:
    """The route tree without its receivers (who each alert reaches is reported per alert)."""
    if plan is None:
        return ""

    def strip(node: dict[str, Any]) -> dict[str, Any]:
        return {k: [strip(c) for c in v] if k == "routes" else v
                for k, v in node.items() if k != "receiver"}

    return _json(strip(alertmanager.route_dict(plan.tree)))


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


def _dashboards(base: Mapping[str, str], head: Mapping[str, str]) -> list[Change]:
    old, new = facts.dashboards(base), facts.dashboards(head)
    out = []
    for uid in sorted(set(old) | set(new), key=lambda u: (new.get(u) or old[u])[0]):
        if uid not in new:
            out.append(Change(section="dashboards", action="removed", name=old[uid][0],
                              summary=old[uid][1]))
        elif uid not in old:
            out.append(Change(section="dashboards", action="added", name=new[uid][0],
                              summary=new[uid][1]))
        elif base[old[uid][1]] != head[new[uid][1]]:
            (t0, _, p0), (t1, path, p1) = old[uid], new[uid]
            panels = [f"panels {verb}: {', '.join(sorted(titles))}" for verb, titles in
                      (("added", p1 - p0), ("removed", p0 - p1)) if titles]
            out.append(Change(section="dashboards", action="changed", name=t1,
                              summary="; ".join([path, *panels] if panels or t0 != t1
                                                else [f"{path}: queries or layout"]),
                              details=(Detail(what="title", old=t0, new=t1),)
                              if t0 != t1 else ()))
    return out


def _probes(base: model.Project, head: model.Project) -> list[Change]:
    old, new = facts.probes(base), facts.probes(head)
    out = []
    for key in sorted(set(old) | set(new)):
        if key not in new or key not in old:
            fields = old.get(key) or new[key]
            out.append(Change(section="probes", action="added" if key in new else "removed",
                              name=key, summary=f"{fields['kind']} {fields['target']}"))
            continue
        was, now = old[key], new[key]
        details = tuple(Detail(what=k, old=was.get(k, ""), new=now.get(k, ""))
                        for k in [*was, *(k for k in now if k not in was)]
                        if was.get(k) != now.get(k))
        if details:
            out.append(Change(section="probes", action="changed", name=key, details=details))
    return out


def _runbooks(base: Mapping[str, str], head: Mapping[str, str]) -> list[Change]:
    old, new = facts.runbooks(base), facts.runbooks(head)
    out = []
    for path in sorted(set(old) | set(new)):
        if path not in new or path not in old:
            out.append(Change(section="runbooks", action="added" if path in new else "removed",
                              name=new.get(path) or old[path], summary=path))
        elif base[path] != head[path]:
            count = file_counts({path: base[path]}, {path: head[path]})[0]
            out.append(Change(section="runbooks", action="changed", name=new[path],
                              summary=f"{path}: +{count.lines_added} -{count.lines_removed} "
                              f"lines"))
    return out
