"""Checks of the Routing documents against each other and against the services.

Each problem is located at the field to change: unknown or duplicate names, settings given
twice, repeat_interval shorter than group_interval, receivers newer than the Alertmanager
version the output must load in, and a service whose team has no routing. Whether every
alert reaches its team needs the built alerts: `obsgen.build.checks` proves that.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

from obsgen import durations
from obsgen.errors import Diagnostic
from obsgen.spec.loader import Document, PathKey
from obsgen.spec.receivers import RECEIVER_FEATURES
from obsgen.spec.routing import Delivery, Routing, Timing
from obsgen.spec.service import ServiceSpec, Settings

Located = tuple[Document, Routing]
SINGLE = ("alertmanager_version", "defaults", "inhibitions", "cadence")
DELIVERIES = ("mirror", "page", "ticket", "info")


def problems(
    docs: Sequence[Located],
    services: Sequence[tuple[Document, ServiceSpec]],
    settings: Settings | None,
) -> list[Diagnostic]:
    if not docs:
        return []
    found = [*_single(docs), *_unique(docs), *_references(docs), *_versions(docs)]
    found += list(_timings(docs))
    teams = {t.name for _, doc in docs for t in doc.teams}
    for doc, svc in services:
        if svc.metadata.team not in teams:
            found.append(_unknown(doc, ("metadata", "team"), "team", svc.metadata.team, teams,
                                  "add it under teams: in a Routing document"))
    return found


def _single(docs: Sequence[Located]) -> Iterator[Diagnostic]:
    first: dict[str, Document] = {}
    for doc, spec in docs:
        for name in SINGLE:
            if name not in spec.model_fields_set:
                continue
            if name in first:
                line = first[name].position((name,))[0]
                yield doc.diagnostic((name,), f"{name} is already set",
                                     f"set it once: it is also at {first[name].file}:{line}",
                                     at_key=True)
            else:
                first[name] = doc
    if "defaults" not in first:
        yield docs[0][0].diagnostic(("kind",), "no Routing document sets defaults",
                                    "add defaults: {receiver: <name>} for alerts no team takes")


def _unique(docs: Sequence[Located]) -> Iterator[Diagnostic]:
    for field, what in (("receivers", "receiver"), ("teams", "team"),
                        ("time_intervals", "time interval")):
        seen: dict[str, tuple[Document, PathKey]] = {}
        for doc, spec in docs:
            for i, item in enumerate(getattr(spec, field)):
                at: PathKey = (field, i, "name")
                if item.name in seen:
                    other, where = seen[item.name]
                    yield doc.diagnostic(at, f"duplicate {what} name {item.name!r}",
                                         f"already defined at {other.file}:"
                                         f"{other.position(where)[0]}; rename one")
                else:
                    seen[item.name] = (doc, at)


def _deliveries(spec: Routing) -> Iterator[tuple[PathKey, Delivery]]:
    for i, team in enumerate(spec.teams):
        for tier in DELIVERIES:
            delivery = getattr(team, tier)
            if delivery is not None:
                yield ("teams", i, tier), delivery
        for k, route in enumerate(team.routes):
            yield ("teams", i, "routes", k), route


def _references(docs: Sequence[Located]) -> Iterator[Diagnostic]:
    receivers = {r.name for _, spec in docs for r in spec.receivers}
    intervals = {t.name for _, spec in docs for t in spec.time_intervals}
    for doc, spec in docs:
        if spec.defaults is not None and spec.defaults.receiver not in receivers:
            yield _unknown(doc, ("defaults", "receiver"), "receiver", spec.defaults.receiver,
                           receivers, "declare it under receivers:")
        for at, delivery in _deliveries(spec):
            for j, name in enumerate(delivery.receivers):
                if name not in receivers:
                    yield _unknown(doc, (*at, "receivers", j), "receiver", name, receivers,
                                   "declare it under receivers:")
                elif name in delivery.receivers[:j]:
                    yield doc.diagnostic((*at, "receivers", j),
                                         f"receiver {name!r} is listed twice",
                                         "list it once: it would be notified twice")
            for field in ("active_time_intervals", "mute_time_intervals"):
                for j, name in enumerate(getattr(delivery, field)):
                    if name not in intervals:
                        yield _unknown(doc, (*at, field, j), "time interval", name, intervals,
                                       "declare it under time_intervals:")
        for i, team in enumerate(spec.teams):
            yield from _mirrored_twice(doc, i, spec)
            for j, name in enumerate(team.mute_time_intervals):
                if name not in intervals:
                    yield _unknown(doc, ("teams", i, "mute_time_intervals", j), "time interval",
                                   name, intervals, "declare it under time_intervals:")


def _mirrored_twice(doc: Document, i: int, spec: Routing) -> Iterator[Diagnostic]:
    mirror = spec.teams[i].mirror
    if mirror is None:
        return
    for at, delivery in _deliveries(spec):
        if at[:2] != ("teams", i) or at[2] == "mirror":
            continue
        for j, name in enumerate(delivery.receivers):
            if name in mirror.receivers:
                yield doc.diagnostic((*at, "receivers", j),
                                     f"receiver {name!r} is also the team's mirror",
                                     "remove it here: the mirror already gets every alert of the "
                                     "team, it would be notified twice")


def _unknown(doc: Document, at: PathKey, what: str, name: str, known: set[str],
             fix: str) -> Diagnostic:
    near = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"did you mean {near[0]!r}?" if near else fix
    return doc.diagnostic(at, f"unknown {what} {name!r}", hint)


def _versions(docs: Sequence[Located]) -> Iterator[Diagnostic]:
    version = next((s.alertmanager_version for _, s in docs
                    if "alertmanager_version" in s.model_fields_set), "0.25")
    for doc, spec in docs:
        for i, receiver in enumerate(spec.receivers):
            used = [k for k in ("telegram", "msteams", "jira") if getattr(receiver, k) is not None]
            if receiver.webhook is not None and receiver.webhook.url_file is not None:
                used.append("webhook.url_file")
            gateway = receiver.sms.gateway if receiver.sms is not None else None
            if gateway is not None and gateway.url_file is not None:
                used.append("sms.gateway.url_file")
            for feature in used:
                needs, what = RECEIVER_FEATURES[feature]
                if _newer(needs, version):
                    yield doc.diagnostic(
                        ("receivers", i, *feature.split(".")),
                        f"{what} is available from Alertmanager {needs}, but the output must "
                        f"load in {version}",
                        f'set alertmanager_version: "{needs}" in the Routing document that '
                        "sets defaults, if your Alertmanager is that recent",
                        at_key=True,
                    )


def _newer(a: str, b: str) -> bool:
    return tuple(int(x) for x in a.split(".")) > tuple(int(x) for x in b.split("."))


def _timings(docs: Sequence[Located]) -> Iterator[Diagnostic]:
    root = next((s.defaults for _, s in docs if s.defaults is not None), None)
    base_group = durations.parse_ms(root.group_interval or "5m") if root else 300_000
    base_repeat = durations.parse_ms(root.repeat_interval or "4h") if root else 14_400_000
    for doc, spec in docs:
        places: list[tuple[PathKey, Timing]] = list(_deliveries(spec))
        if spec.defaults is not None:
            places.append((("defaults",), spec.defaults))
        for at, timing in places:
            group = _ms(timing.group_interval, base_group)
            repeat = _ms(timing.repeat_interval, base_repeat)
            if repeat < group and (timing.group_interval or timing.repeat_interval):
                field = "repeat_interval" if timing.repeat_interval else "group_interval"
                yield doc.diagnostic(
                    (*at, field),
                    f"repeat_interval {durations.format_ms(repeat)} is shorter than "
                    f"group_interval {durations.format_ms(group)}",
                    "Alertmanager repeats only at group intervals: make repeat_interval at least "
                    "group_interval",
                )


def _ms(text: str | None, default: int) -> int:
    return durations.parse_ms(text) if text else default
