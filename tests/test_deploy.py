"""Deploy forms (Settings.deploy): every Kubernetes object valid against its CRD's
openAPIV3Schema (unknown fields rejected) or the core ConfigMap/Secret shape, the rule groups
unchanged in every form, kustomization.yaml listing each folder, the size limit located."""

from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from obsgen import api
from obsgen.errors import SpecError
from obsgen.spec.loader import Document
from tests.conftest import ROOT, run_tool

CRDS = ROOT / "tests" / "vendor" / "prometheus-operator-crds-0.93"
FORMS = ["plain", "prometheus-operator", "grafana-sidecar", "mimir", "thanos"]
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
MiB = 1024 * 1024


class _CRDLoader(yaml.SafeLoader):
    """The CRDs hold a bare `=` list item: YAML 1.1's `value` tag must not resolve."""


_CRDLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:value"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _strict(schema: Any) -> Any:
    """An API server prunes unknown fields silently: here they are errors. Go's regexps
    take `(?i)` anywhere (the AlertmanagerConfig's weekdays and months): Python only at the
    start, where it is moved (case-insensitive throughout: slightly looser than Go)."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if isinstance(out.get("pattern"), str) and "(?i)" in out["pattern"]:
            out["pattern"] = "(?i)" + out["pattern"].replace("(?i)", "")
        if ("properties" in out and "additionalProperties" not in out
                and not out.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


CRD_KINDS = {"PrometheusRule": "v1", "Probe": "v1", "AlertmanagerConfig": "v1alpha1",
             "ScrapeConfig": "v1alpha1"}


@cache
def crd_schema(kind: str) -> dict[str, Any]:
    crd = yaml.load((CRDS / f"monitoring.coreos.com_{kind.lower()}s.yaml").read_text(),
                    Loader=_CRDLoader)
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == CRD_KINDS[kind]]
    schema: dict[str, Any] = _strict(version["schema"]["openAPIV3Schema"])
    return schema


@cache
def crd_validator(kind: str) -> Draft7Validator:
    return Draft7Validator(crd_schema(kind))


def _child_routes(route: dict[str, Any], where: str) -> list[str]:
    """An AlertmanagerConfig's child routes are free JSON in the CRD (a recursive schema):
    the Operator decodes them as routes, so each is checked against the route's schema."""
    schema = crd_schema("AlertmanagerConfig")["properties"]["spec"]["properties"]["route"]
    validator = Draft7Validator(schema)
    problems = []
    for i, child in enumerate(route.get("routes", [])):
        path = f"{where}.routes[{i}]"
        problems += [f"AlertmanagerConfig {path}.{'.'.join(map(str, e.path))}: {e.message}"
                     for e in validator.iter_errors(child)]
        problems += _child_routes(child, path)
    return problems


_STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
CORE: dict[str, dict[str, Any]] = {
    "ConfigMap": {
        "type": "object", "required": ["apiVersion", "kind", "metadata", "data"],
        "additionalProperties": False,
        "properties": {"apiVersion": {"const": "v1"}, "kind": {"const": "ConfigMap"},
                       "metadata": {"type": "object"},
                       "data": {**_STRINGS, "propertyNames": {"pattern": CONFIG_KEY.pattern}}},
    },
    "Secret": {
        "type": "object", "required": ["apiVersion", "kind", "metadata", "type", "stringData"],
        "additionalProperties": False,
        "properties": {"apiVersion": {"const": "v1"}, "kind": {"const": "Secret"},
                       "metadata": {"type": "object"}, "type": {"const": "Opaque"},
                       "stringData": {**_STRINGS,
                                      "propertyNames": {"pattern": CONFIG_KEY.pattern}}},
    },
    "GrafanaDashboard": {
        # grafana-operator v5's GrafanaDashboard, the fields obsgen writes (its CRD is not
        # vendored): one of json and gzipJson, the instances, the folder's title.
        "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "grafana.integreatly.org/v1beta1"},
            "kind": {"const": "GrafanaDashboard"}, "metadata": {"type": "object"},
            "spec": {"type": "object", "additionalProperties": False,
                     "required": ["instanceSelector", "folder"],
                     "oneOf": [{"required": ["json"]}, {"required": ["gzipJson"]}],
                     "properties": {
                         "instanceSelector": {"type": "object", "additionalProperties": False,
                                              "properties": {"matchLabels": _STRINGS}},
                         "folder": {"type": "string", "minLength": 1},
                         "json": {"type": "string"}, "gzipJson": {"type": "string"}}},
        },
    },
}


def validate_object(obj: dict[str, Any], namespace: str) -> list[str]:
    kind = obj.get("kind", "")
    validator = crd_validator(kind) if kind in CRD_KINDS else Draft7Validator(CORE[kind])
    problems = [f"{kind} {'.'.join(map(str, e.path))}: {e.message}"
                for e in validator.iter_errors(obj)]
    if kind in CRD_KINDS and obj["apiVersion"] != f"monitoring.coreos.com/{CRD_KINDS[kind]}":
        problems.append(f"{kind} apiVersion {obj['apiVersion']!r}")
    if kind == "AlertmanagerConfig":
        problems += _child_routes(obj["spec"]["route"], "spec.route")
    meta = obj["metadata"]
    assert set(meta) <= {"name", "namespace", "labels", "annotations"}, meta
    if not DNS_SUBDOMAIN.match(meta["name"]):
        problems.append(f"{kind} name {meta['name']!r}")
    if meta["namespace"] != namespace:
        problems.append(f"{kind} {meta['name']} namespace {meta['namespace']!r}")
    problems += [f"label {k}={v!r}" for k, v in meta["labels"].items()
                 if not isinstance(v, str) or not LABEL_VALUE.match(v)]
    for field in ("data", "stringData"):
        size = sum(len(v.encode()) for v in obj.get(field, {}).values())
        if size > MiB:
            problems.append(f"{kind} {meta['name']}: {size} bytes of {field}")
    return problems


def with_deploy(tmp_path: Path, deploy: str, source: Path = ROOT / "specs") -> Path:
    """A copy of a specs folder whose Settings document ends with `deploy`."""
    specs = tmp_path / "specs"
    shutil.copytree(source, specs)
    settings = specs / "settings.yaml"
    text = settings.read_text()
    settings.write_text(text[:text.index("\ndeploy:") + 1] if "\ndeploy:" in text else text)
    settings.write_text(settings.read_text() + deploy)
    return specs


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    specs = with_deploy(tmp_path_factory.mktemp("deploy"),
                        f"deploy:\n  forms: [{', '.join(FORMS)}]\n"
                        "  kubernetes: {namespace: obs, labels: {release: kube-prom}}\n")
    return api.compile_specs(specs)


def docs(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def folder(files: dict[str, str], prefix: str) -> dict[str, str]:
    return {p: t for p, t in files.items() if p.startswith(prefix + "/")}


def test_without_deploy_only_the_plain_files_are_written(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "tests/golden/probes")
    files = api.compile_specs(Path("specs"))
    assert "kubernetes/probes/shop.yaml" in files
    assert not [p for p in files if p.startswith(("kubernetes/prometheus-operator",
                                                  "kubernetes/grafana", "mimir/", "thanos/"))]


@pytest.mark.parametrize("prefix", ["kubernetes/prometheus-operator", "kubernetes/grafana"])
def test_every_object_is_valid(compiled: dict[str, str], prefix: str) -> None:
    objects = [d for p, t in folder(compiled, prefix).items()
               if not p.endswith("kustomization.yaml") for d in docs(t)]
    assert len(objects) > 10
    problems = [msg for obj in objects for msg in validate_object(obj, "obs")]
    assert problems == []


def test_the_validation_rejects_unknown_and_wrong_fields(compiled: dict[str, str]) -> None:
    (rule,) = docs(compiled["kubernetes/prometheus-operator/rules/edge.yaml"])
    rule["spec"]["groups"][0]["rules"][0]["for"] = "five minutes"
    rule["spec"]["groups"][0]["intervall"] = "1m"
    assert len(validate_object(rule, "obs")) == 2
    (probe,) = docs(compiled["kubernetes/prometheus-operator/probes/edge.yaml"])[:1]
    probe["spec"]["prober"]["url"] = {"host": "x"}
    assert validate_object(probe, "obs")


def rule_groups(files: dict[str, str]) -> dict[str, dict[str, dict[str, Any]]]:
    """Each service's rule groups by name, from all its files (`<service>.rules.yaml`,
    `<service>.<slo>.rules.yaml`: names hold no dots)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for p, t in folder(files, "prometheus/rules").items():
        service = p.removeprefix("prometheus/rules/").split(".")[0]
        out.setdefault(service, {}).update({g["name"]: g for g in yaml.safe_load(t)["groups"]})
    return out


def by_name(groups: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {g["name"]: g for g in groups}


def test_every_form_holds_the_plain_rule_groups_unchanged(compiled: dict[str, str]) -> None:
    plain = rule_groups(compiled)
    operator = {p.removeprefix("kubernetes/prometheus-operator/rules/").removesuffix(".yaml"):
                by_name(docs(t)[0]["spec"]["groups"])
                for p, t in folder(compiled, "kubernetes/prometheus-operator/rules").items()}
    assert operator == plain
    thanos = {p.removeprefix("thanos/rules/").removesuffix(".rules.yaml"): yaml.safe_load(t)
              for p, t in folder(compiled, "thanos/rules").items()}
    stripped = {name: by_name([{k: v for k, v in g.items() if k != "partial_response_strategy"}
                               for g in data["groups"]]) for name, data in thanos.items()}
    assert stripped == plain
    assert {g["partial_response_strategy"] for d in thanos.values() for g in d["groups"]} == {
        "abort"}
    mimir = [yaml.safe_load(t) for t in folder(compiled, "mimir/rules").values()]
    assert by_name([g for m in mimir for g in m["groups"]]) == {
        name: g for groups in plain.values() for name, g in groups.items()}
    namespaces = {m["namespace"] for m in mimir}
    assert "trading-platform" in namespaces and len(namespaces) == len(mimir)


def test_probe_objects_match_the_scrape_jobs(compiled: dict[str, str]) -> None:
    jobs = {j["job_name"]: j for j in
            yaml.safe_load(compiled["prometheus/scrape/blackbox.yaml"])["scrape_configs"]}
    probes = [d for t in folder(compiled, "kubernetes/prometheus-operator/probes").values()
              for d in docs(t)]
    assert {p["spec"]["jobName"] for p in probes} == set(jobs)
    for probe in probes:
        job = jobs[probe["spec"]["jobName"]]
        assert probe["spec"]["module"] == job["params"]["module"][0]
        assert probe["spec"]["targets"]["staticConfig"]["static"] == job["static_configs"][0][
            "targets"]


def test_the_config_secret_holds_alertmanager_yaml(compiled: dict[str, str]) -> None:
    (secret,) = docs(compiled["kubernetes/prometheus-operator/alertmanager/"
                              "alertmanager-obsgen.yaml"])
    assert secret["stringData"]["alertmanager.yaml"] == compiled["alertmanager/alertmanager.yaml"]


def test_dashboards_are_the_same_json_in_their_team_folder(compiled: dict[str, str]) -> None:
    maps = {p: docs(t)[0] for p, t in folder(compiled, "kubernetes/grafana").items()
            if not p.endswith("kustomization.yaml")}
    plain = folder(compiled, "grafana/dashboards")
    assert len(maps) == len(plain)
    for path, cm in maps.items():
        team, name = path.removeprefix("kubernetes/grafana/").split("/")
        uid = name.removesuffix(".yaml")
        assert cm["data"] == {f"{uid}.json": plain[f"grafana/dashboards/{team}/{uid}.json"]}
        assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
        folder_title = "SLO overview" if team == "_overview" else team
        assert cm["metadata"]["annotations"] == {"k8s-sidecar-target-directory": folder_title}


@pytest.mark.parametrize("prefix", ["kubernetes/prometheus-operator", "kubernetes/grafana"])
def test_kustomization_lists_every_object_file(compiled: dict[str, str], prefix: str) -> None:
    files = folder(compiled, prefix)
    kustomization = yaml.safe_load(files.pop(f"{prefix}/kustomization.yaml"))
    assert kustomization["namespace"] == "obs"
    assert kustomization["resources"] == sorted(p[len(prefix) + 1:] for p in files)


def test_a_configmap_over_1_mib_is_a_located_error(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "big.yaml").write_text(
        "apiVersion: obsgen/v1\nkind: Service\nmetadata: {name: big, team: web}\n"
        "dashboards:\n  - title: Notes\n    rows:\n      - title: All\n        panels:\n"
        "          - {title: Text, type: text, content: " + "x" * (MiB + 10) + "}\n"
        "---\napiVersion: obsgen/v1\nkind: Settings\n"
        "deploy: {forms: [plain, grafana-sidecar]}\n")
    with pytest.raises(SpecError) as caught:
        api.compile_specs(specs)
    (problem,) = caught.value.diagnostics
    assert problem.file.endswith("big.yaml")
    assert (problem.line, problem.col, problem.path) == (5, 5, "dashboards[0]")
    assert "1,048,576-byte limit" in problem.message and "grafana-operator" in problem.hint
    (specs / "big.yaml").write_text((specs / "big.yaml").read_text().replace(
        "grafana-sidecar", "grafana-operator"))
    files = api.compile_specs(specs)
    (board,) = docs(files["kubernetes/grafana/web/obsgen-big-notes.yaml"])
    assert validate_object(board, "monitoring") == []
    unpacked = gzip.decompress(base64.b64decode(board["spec"]["gzipJson"])).decode()
    assert json.loads(unpacked)["uid"] == "obsgen-big-notes"


def test_deploy_settings_are_checked() -> None:
    from obsgen.spec.validate import validate_document

    def problems(deploy: str) -> list[str]:
        doc = Document(file="s.yaml", source="s.yaml", index=0, data=yaml.safe_load(
            f"apiVersion: obsgen/v1\nkind: Settings\ndeploy: {deploy}\n"))
        return [d.format() for d in validate_document(doc)[1]]

    assert problems("{forms: [plain, mimir]}") == []
    assert "must include 'plain'" in problems("{forms: [mimir]}")[0]
    assert "choose one" in problems("{forms: [plain, grafana-sidecar, grafana-operator]}")[0]
    assert "namespace" in problems("{kubernetes: {namespace: Monitoring}}")[0]
    assert "label value" in problems("{kubernetes: {labels: {release: 'a b'}}}")[0]


@pytest.mark.tools
def test_promtool_accepts_the_rule_groups_of_every_form(
    compiled: dict[str, str], tmp_path: Path, tool: Any
) -> None:
    promtool = tool("promtool")
    extracted = {
        **{p: {"groups": docs(t)[0]["spec"]["groups"]}
           for p, t in folder(compiled, "kubernetes/prometheus-operator/rules").items()},
        **{p: {"groups": yaml.safe_load(t)["groups"]}
           for p, t in folder(compiled, "mimir/rules").items()},
        **{p: {"groups": [{k: v for k, v in g.items() if k != "partial_response_strategy"}
                          for g in yaml.safe_load(t)["groups"]]}
           for p, t in folder(compiled, "thanos/rules").items()},
    }
    paths = []
    for i, (_, groups) in enumerate(sorted(extracted.items())):
        path = tmp_path / f"{i}.yaml"
        path.write_text(yaml.safe_dump(groups))
        paths.append(str(path))
    result = run_tool(promtool, "check", "rules", *paths)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(paths)


@pytest.mark.tools
def test_kubectl_builds_each_kustomization(compiled: dict[str, str], tmp_path: Path,
                                           tool: Any) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl not found")
    for path, text in compiled.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    for prefix in ("kubernetes/prometheus-operator", "kubernetes/grafana"):
        result = run_tool(kubectl, "kustomize", str(tmp_path / prefix))
        assert result.returncode == 0, result.stderr
        built = docs(result.stdout)
        expected = [d for p, t in folder(compiled, prefix).items()
                    if not p.endswith("kustomization.yaml") for d in docs(t)]
        assert sorted(json.dumps(d, sort_keys=True) for d in built) == sorted(
            json.dumps(d, sort_keys=True) for d in expected)


def test_lint_checks_the_deploy_folders(compiled: dict[str, str], tmp_path: Path) -> None:
    from obsgen.lint import deploy as lint_deploy

    out = tmp_path / "out"
    for path, text in compiled.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    commands, problems = lint_deploy.commands(out, scratch)
    assert problems == []
    ((_, tool_name, argv, _),) = commands
    services = len(rule_groups(compiled))  # a PrometheusRule and a thanos file each
    assert tool_name == "promtool check rules" and len(argv) == 3 + 2 * services + len(
        folder(compiled, "mimir/rules"))
    edited = out / "kubernetes/prometheus-operator/rules/edge.yaml"
    edited.write_text(edited.read_text().replace("for: 10m", "for: 11m", 1))
    (out / "kubernetes/grafana/extra.yaml").write_text("{}\n")
    (out / "kubernetes/prometheus-operator/probes/edge.yaml").unlink()
    _, problems = lint_deploy.commands(out, scratch)
    messages = sorted(m for _, m in problems)
    assert messages == [
        "extra.yaml is not listed in resources",
        "probes/edge.yaml is listed but missing",
        "rule group 'edge.availability.slo-alerts' differs from prometheus/rules: regenerate "
        "(obsgen generate)",
        "the jobs ['blackbox-edge-journal-dns', 'blackbox-edge-login'] are not in both this "
        "folder and prometheus/scrape/blackbox.yaml: regenerate (obsgen generate)",
    ]


# The AlertmanagerConfig and ScrapeConfig forms (tests/golden/deploy-alertmanager-config).

AMC_CASE = ROOT / "tests" / "golden" / "deploy-alertmanager-config" / "specs"
OPERATOR = "kubernetes/prometheus-operator"


@pytest.fixture(scope="module")
def amc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return api.compile_specs(AMC_CASE)


def amc_objects(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for t in folder(files, f"{OPERATOR}/alertmanager").values()
            for d in docs(t)}


def test_alertmanager_config_and_scrape_config_objects_are_valid(amc: dict[str, str]) -> None:
    objects = [d for p, t in folder(amc, OPERATOR).items()
               if not p.endswith("kustomization.yaml") for d in docs(t)]
    kinds = sorted({o["kind"] for o in objects})
    assert kinds == ["AlertmanagerConfig", "PrometheusRule", "ScrapeConfig"]
    assert [msg for obj in objects for msg in validate_object(obj, "monitoring")] == []
    assert not folder(amc, f"{OPERATOR}/probes")
    kustomization = yaml.safe_load(amc[f"{OPERATOR}/kustomization.yaml"])
    assert "alertmanager/obsgen-ops.yaml" in kustomization["resources"]
    assert "scrapeconfigs/shop.yaml" in kustomization["resources"]


def test_the_validation_rejects_bad_alertmanager_configs(amc: dict[str, str]) -> None:
    ops = amc_objects(amc)["obsgen-ops"]
    ops["spec"]["route"]["routes"][0]["matchers"][0]["matchType"] = "=="
    ops["spec"]["route"]["routes"][1]["recevier"] = "x"
    ops["spec"]["receivers"][0]["jiraConfigs"] = [{}]
    assert len(validate_object(ops, "monitoring")) == 3


def _operator_tree(configs: dict[str, dict[str, Any]], namespace: str) -> Any:
    """The route tree the Operator assembles from AlertmanagerConfig objects (default matcher
    strategy OnNamespace): each object's route under the root, continue: true, its
    namespace matcher first, every receiver named <namespace>/<object>/<receiver>."""
    from obsgen import model
    from obsgen.matchers import Matcher

    def node(route: dict[str, Any], prefix: str, top: bool) -> model.RouteNode:
        ms = tuple(Matcher(m["name"], m["matchType"], m["value"]) for m in route.get(
            "matchers", []))
        return model.RouteNode(
            kind="team" if top else "route",
            matchers=(Matcher("namespace", "=", namespace), *ms) if top else ms,
            receiver=prefix + route["receiver"] if "receiver" in route else None,
            continue_=top or route.get("continue", False),
            routes=tuple(node(r, prefix, False) for r in route.get("routes", [])))

    return model.RouteNode(kind="root", receiver="operator-root", routes=tuple(
        node(c["spec"]["route"], f"{namespace}/{name}/", True)
        for name, c in sorted(configs.items())))


def test_alertmanager_configs_deliver_every_alert_as_the_plain_configuration(
    amc: dict[str, str]
) -> None:
    from obsgen import router

    tree = _operator_tree(amc_objects(amc), "monitoring")
    rows = yaml.safe_load(amc["alertmanager/routes.test.yaml"])["routes"]
    assert len(rows) > 5
    for row in rows:
        team = row["labels"]["team"]
        expected = [f"monitoring/obsgen-{team}/{r}" for r in row["receivers"]]
        assert router.deliver(tree, {**row["labels"], "namespace": "monitoring"}) == expected
        # Without the namespace label (no enforcedNamespaceLabel), OnNamespace routes nothing.
        assert router.deliver(tree, row["labels"]) == ["operator-root"]


def test_alertmanager_config_receivers_reference_secret_keys(amc: dict[str, str]) -> None:
    configs = amc_objects(amc)
    web = {r["name"]: r for r in configs["obsgen-web"]["spec"]["receivers"]}
    ops = {r["name"]: r for r in configs["obsgen-ops"]["spec"]["receivers"]}
    # Named in Settings.deploy.prometheus_operator.secrets:
    assert web["web-pagerduty"]["pagerdutyConfigs"][0]["routingKey"] == {
        "name": "alertmanager-web", "key": "pagerduty-key"}
    assert web["web-telegram"]["telegramConfigs"][0]["botToken"] == {
        "name": "alertmanager-web", "key": "telegram-token"}
    # By the mount convention /etc/alertmanager/secrets/<Secret>/<key>:
    assert web["web-slack"]["slackConfigs"][0]["apiURL"] == {
        "name": "alertmanager-web", "key": "slack-url"}
    assert ops["ops-email"]["emailConfigs"][0]["authPassword"] == {
        "name": "alertmanager-ops", "key": "smtp-password"}
    assert ops["ops-webhook"]["webhookConfigs"][0]["urlSecret"] == {
        "name": "alertmanager-ops", "key": "relay-url"}
    # Each object holds only its team's receivers, the defaults' receiver included.
    assert sorted(web) == ["ops-catchall", "web-pagerduty", "web-slack", "web-telegram"]
    assert "web-slack" not in ops
    assert not any("_file" in json.dumps(c) for c in configs.values())


def test_alertmanager_config_inhibitions_are_per_team(amc: dict[str, str]) -> None:
    configs = amc_objects(amc)
    for name, config in configs.items():
        team = name.removeprefix("obsgen-")
        for rule in config["spec"]["inhibitRules"]:
            for side in ("sourceMatch", "targetMatch"):
                assert rule[side][0] == {"name": "team", "matchType": "=", "value": team}
    custom = [r for c in configs.values() for r in c["spec"]["inhibitRules"]
              if r["targetMatch"][1]["value"] == "LedgerArchiveStale"]
    assert len(custom) == 1 and custom[0]["targetMatch"][0]["value"] == "ops"


def test_secret_paths_map_by_settings_then_by_convention() -> None:
    from obsgen.model.deploy import secret_ref

    named = {"/etc/am/x": ("s", "k")}
    assert secret_ref("/etc/am/x", named) == ("s", "k")
    assert secret_ref("/etc/alertmanager/secrets/am-web/slack-url", {}) == ("am-web", "slack-url")
    assert secret_ref("/etc/alertmanager/secrets/slack-url", {}) is None
    assert secret_ref("/etc/alertmanager/secrets/a/b/c", {}) is None
    assert secret_ref("/etc/alertmanager/secrets/Bad_Name/key", {}) is None


def test_scrape_configs_hold_the_plain_scrape_jobs(amc: dict[str, str]) -> None:
    jobs = {j["job_name"]: j for j in
            yaml.safe_load(amc["prometheus/scrape/blackbox.yaml"])["scrape_configs"]}
    configs = [d for t in folder(amc, f"{OPERATOR}/scrapeconfigs").values() for d in docs(t)]
    assert {c["spec"]["jobName"] for c in configs} == set(jobs)
    for config in configs:
        spec = config["spec"]
        job = jobs[spec["jobName"]]
        assert config["metadata"]["name"] == job["job_name"]
        assert (spec["metricsPath"], spec["params"], spec["scrapeInterval"],
                spec["scrapeTimeout"]) == (job["metrics_path"], job["params"],
                                           job["scrape_interval"], job["scrape_timeout"])
        assert spec["staticConfigs"] == job["static_configs"]
        assert [(r.get("sourceLabels"), r["targetLabel"], r.get("replacement"))
                for r in spec["relabelings"]] == [
            (r.get("source_labels"), r["target_label"], r.get("replacement"))
            for r in job["relabel_configs"]]


def test_inhibitions_across_teams_are_told_apart() -> None:
    from obsgen.build.deploy import _across_teams
    from obsgen.spec.routing import InhibitRule

    def across(source: list[str], target: list[str], equal: list[str]) -> bool:
        return _across_teams(InhibitRule(source=source, target=target, equal=equal))

    assert not across(['alertname="A"'], ['alertname="B"'], ["service"])
    assert not across(['alertname="A"'], ['alertname="B"'], ["team", "cluster"])
    assert not across(['team="web"', 'alertname="A"'], ['team="web"'], ["cluster"])
    assert across(['team="web"'], ['team="ops"'], ["cluster"])
    assert across(['team="web"'], ['alertname="B"'], [])
    assert across(['alertname="A"'], ['alertname="B"'], ["cluster"])


def test_lint_checks_the_alertmanager_configs_and_scrape_configs(
    amc: dict[str, str], tmp_path: Path
) -> None:
    from obsgen.lint import deploy as lint_deploy

    out = tmp_path / "out"
    for path, text in amc.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert lint_deploy.commands(out, scratch)[1] == []
    web = out / OPERATOR / "alertmanager/obsgen-web.yaml"
    text = web.read_text()
    web.write_text(text.replace("receiver: web-pagerduty", "receiver: web-slack", 1))
    problems = lint_deploy.commands(out, scratch)[1]
    assert problems and all("not ['web-slack', 'web-pagerduty', 'web-telegram']" in m
                            for _, m in problems), problems
    assert "reaches ['web-slack', 'web-slack', 'web-telegram']" in problems[0][1]
    web.write_text(text.replace("receiver: web-pagerduty", "receiver: web-pager", 1))
    (problem,) = lint_deploy.commands(out, scratch)[1]
    assert problem[1] == "receiver 'web-pager' is not defined in the object"
    web.write_text(text)
    jobs = out / OPERATOR / "scrapeconfigs/shop.yaml"
    jobs.write_text(jobs.read_text().replace("jobName: blackbox-shop-storefront",
                                             "jobName: blackbox-shop-front"))
    (problem,) = lint_deploy.commands(out, scratch)[1]
    assert "blackbox-shop-front" in problem[1] and "blackbox-shop-storefront" in problem[1]


def _for_alertmanager_config(value: Any) -> Any:
    """A Routing document the AlertmanagerConfig form takes: every secret path under the
    mount convention, no time zones, Jira receivers as webhooks."""
    if isinstance(value, dict):
        out = {k: _for_alertmanager_config(v) for k, v in value.items() if k != "location"}
        if "jira" in out:
            out["webhook"] = {"url": "http://jira-relay.example.com/"}
            del out["jira"]
        return out
    if isinstance(value, list):
        return [_for_alertmanager_config(v) for v in value]
    if isinstance(value, str) and value.startswith("/etc/alertmanager/"):
        return "/etc/alertmanager/secrets/alertmanager-obsgen/" + value.rsplit("/", 1)[1]
    return value


def test_the_example_teams_as_alertmanager_configs(tmp_path: Path) -> None:
    specs = with_deploy(tmp_path, "deploy:\n  forms: [plain, prometheus-operator]\n"
                        "  prometheus_operator: {alertmanager: alertmanager-config}\n")
    for path in specs.glob("*.yaml"):
        if "kind: Routing" in path.read_text():
            routing = [_for_alertmanager_config(d) for d in docs(path.read_text())]
            path.write_text(yaml.safe_dump_all(routing, sort_keys=False))
    files = api.compile_specs(specs)
    configs = amc_objects(files)
    assert len(configs) == 7
    assert [m for c in configs.values() for m in validate_object(c, "monitoring")] == []
    from obsgen import router

    tree = _operator_tree(configs, "monitoring")
    rows = yaml.safe_load(files["alertmanager/routes.test.yaml"])["routes"]
    assert len(rows) > 100
    for row in rows:
        expected = [f"monitoring/obsgen-{row['labels']['team']}/{r}" for r in row["receivers"]]
        assert router.deliver(tree, {**row["labels"], "namespace": "monitoring"}) == expected
