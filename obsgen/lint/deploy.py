"""`obsgen lint` over the deploy forms' folders (Settings.deploy), when they exist.

- the rule groups of every `PrometheusRule` (kubernetes/prometheus-operator/rules/), ruler
  namespace (mimir/rules/) and Thanos rule file (thanos/rules/, without
  `partial_response_strategy`, which only Thanos reads) are extracted into scratch files
  that `promtool check rules` reads;
- obsgen's own checks: those groups equal the plain rule files' (a hand edit or a stale
  folder shows), each kustomization.yaml lists exactly the files of its folder, and no
  ConfigMap or Secret holds over 1 MiB of data (the API server's limit);
- the AlertmanagerConfig objects (kubernetes/prometheus-operator/alertmanager/): what the
  Operator's own validation refuses and no CRD schema states (a top route without a
  receiver, a receiver or time interval the object does not define), then each row of
  alertmanager/routes.test.yaml through the tree the Operator assembles from them (each
  object's route under the root with `continue: true`; receivers named
  <namespace>/<object>/<receiver>): the same receivers, in order;
- the ScrapeConfig or Probe objects name the jobs of prometheus/scrape/blackbox.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from obsgen import conventions, model, router
from obsgen.matchers import Matcher

OWN = "obsgen"
MiB = 1024 * 1024
Command = tuple[str, str, list[str], Path | None]
Problem = tuple[str, str]
"""(file, message): an error of obsgen's own checks."""
KUSTOMIZED = (conventions.KUBERNETES_OPERATOR, conventions.KUBERNETES_GRAFANA)


def commands(out_dir: Path, scratch: Path) -> tuple[list[Command], list[Problem]]:
    plain = _plain_groups(out_dir)
    extracted: list[tuple[Path, list[dict[str, Any]]]] = []
    problems: list[Problem] = []
    for path in sorted((out_dir / conventions.KUBERNETES_OPERATOR / "rules").glob("*.yaml")):
        for obj in _objects(path):
            extracted.append((path, obj.get("spec", {}).get("groups", [])))
    for path in sorted((out_dir / conventions.MIMIR_RULES).glob("*.yaml")):
        extracted.append((path, _load(path).get("groups", [])))
    for path in sorted((out_dir / conventions.THANOS_RULES).glob("*.yaml")):
        groups = [{k: v for k, v in g.items() if k != "partial_response_strategy"}
                  for g in _load(path).get("groups", [])]
        extracted.append((path, groups))
    files: list[str] = []
    for i, (path, groups) in enumerate(extracted):
        for group in groups:
            if plain.get(str(group.get("name"))) != group:
                problems.append((str(path), f"rule group {group.get('name')!r} differs from "
                                 "prometheus/rules: regenerate (obsgen generate)"))
        scratch_file = scratch / f"deploy-{i}.rules.yaml"
        scratch_file.write_text(yaml.safe_dump({"groups": groups}), encoding="utf-8")
        files.append(str(scratch_file))
    found: list[Command] = []
    if files:
        found.append((str(out_dir / "deploy forms' rule groups"), "promtool check rules",
                      ["promtool", "check", "rules", *files], None))
    for folder in KUSTOMIZED:
        problems += _kustomization(out_dir / folder)
    problems += _alertmanager_configs(out_dir)
    problems += _probe_jobs(out_dir)
    return found, problems


def _alertmanager_configs(out_dir: Path) -> list[Problem]:
    folder = out_dir / conventions.KUBERNETES_OPERATOR / "alertmanager"
    configs = [(path, obj) for path in sorted(folder.glob("*.yaml")) for obj in _objects(path)
               if obj.get("kind") == "AlertmanagerConfig"]
    if not configs:
        return []
    problems: list[Problem] = []
    tops = []
    for path, obj in configs:
        spec, meta = obj.get("spec", {}), obj["metadata"]
        route = spec.get("route", {})
        if not route.get("receiver"):
            problems.append((str(path), "the route has no receiver: the Operator refuses "
                             "the object (root route must define a receiver)"))
        problems += [(str(path), message) for message in _undefined(spec, route)]
        tops.append(_node(route, f"{meta['namespace']}/{meta['name']}/", top=True))
    table = out_dir / conventions.ALERTMANAGER_ROUTES_TEST
    if not table.exists() or problems:
        return problems
    tree = model.RouteNode(kind="root", receiver="", routes=tuple(tops))
    for row in (_load(table).get("routes") or []):
        got = [r.split("/", 2)[2] for r in router.deliver(tree, row["labels"]) if r]
        if got != row["receivers"]:
            problems.append((str(folder), f"{row['alert']} reaches {got or 'no receiver'} "
                             f"through the AlertmanagerConfig objects, not {row['receivers']} "
                             "as alertmanager.yaml: regenerate (obsgen generate)"))
    return problems


def _undefined(spec: dict[str, Any], route: dict[str, Any]) -> list[str]:
    receivers = {r.get("name") for r in spec.get("receivers", [])}
    intervals = {t.get("name") for t in spec.get("muteTimeIntervals", [])}
    found = []
    if route.get("receiver") and route["receiver"] not in receivers:
        found.append(f"receiver {route['receiver']!r} is not defined in the object")
    for name in [*route.get("muteTimeIntervals", []), *route.get("activeTimeIntervals", [])]:
        if name not in intervals:
            found.append(f"time interval {name!r} is not defined in the object")
    for child in route.get("routes", []):
        found += _undefined(spec, child)
    return found


def _node(route: dict[str, Any], prefix: str, top: bool = False) -> model.RouteNode:
    return model.RouteNode(
        kind="team" if top else "route",
        matchers=tuple(Matcher(m["name"], m.get("matchType", "="), m.get("value", ""))
                       for m in route.get("matchers", [])),
        receiver=prefix + route["receiver"] if route.get("receiver") else None,
        continue_=top or bool(route.get("continue")),
        routes=tuple(_node(child, prefix) for child in route.get("routes", [])))


def _probe_jobs(out_dir: Path) -> list[Problem]:
    scrape = out_dir / "prometheus" / "scrape" / "blackbox.yaml"
    plain = {j.get("job_name") for j in _load(scrape).get("scrape_configs", [])} if (
        scrape.exists()) else set()
    problems: list[Problem] = []
    for sub in ("probes", "scrapeconfigs"):
        folder = out_dir / conventions.KUBERNETES_OPERATOR / sub
        jobs = {obj.get("spec", {}).get("jobName") for path in sorted(folder.glob("*.yaml"))
                for obj in _objects(path)}
        if folder.is_dir() and jobs != plain:
            problems.append((str(folder), f"the jobs {sorted(map(str, jobs ^ plain))} are not in "
                             "both this folder and prometheus/scrape/blackbox.yaml: regenerate "
                             "(obsgen generate)"))
    return problems


def _plain_groups(out_dir: Path) -> dict[str, Any]:
    return {g["name"]: g for path in sorted((out_dir / "prometheus" / "rules").glob("*.yaml"))
            for g in _load(path).get("groups", [])}


def _kustomization(folder: Path) -> list[Problem]:
    index = folder / conventions.KUSTOMIZATION
    if not folder.is_dir():
        return []
    listed = sorted(_load(index).get("resources", [])) if index.exists() else []
    present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.yaml")
                     if p != index)
    problems = [(str(index), f"{name} is not listed in resources") for name in present
                if name not in listed]
    problems += [(str(index), f"{name} is listed but missing") for name in listed
                 if name not in present]
    for path in present:
        for obj in _objects(folder / path):
            size = sum(len(str(v).encode()) for key in ("data", "stringData")
                       for v in (obj.get(key) or {}).values())
            if obj.get("kind") in ("ConfigMap", "Secret") and size > MiB:
                problems.append((str(folder / path), f"{obj['kind']} holds {size} bytes, "
                                 f"over the {MiB}-byte limit"))
    return problems


def _objects(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))
            if isinstance(d, dict)]


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
