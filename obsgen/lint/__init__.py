"""`obsgen lint`: check an output folder with the real tools and obsgen's own rules.

Tools: `promtool check rules` over every rule file, `promtool test rules` over every test
file (one process per file, run in parallel), and, when their outputs exist, `amtool
check-config` and `blackbox_exporter --config.check`. obsgen's own checks read the rule and
test files: alert names in CamelCase, `summary` and `description` present, `for` present on
plain alerts, every alert shown firing by some test and every tested alert existing, and
every alert's generated runbook link (`obsgen_runbook_url` when `runbook_url` opens the
team's own runbook, else `runbook_url`) resolving to a generated page once runbooks are
generated. Given the project the folder was generated from, the semantic checks of
`lint/semantic.py` (source `obsgen-semantic`, located at the spec file) run over its model
too. The deploy forms' folders are checked by `lint/deploy.py`.

Findings are `file: tool: level: message`, one a line, sorted by file then tool.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from obsgen import model
from obsgen.lint import alertmanager as lint_alertmanager
from obsgen.lint import deploy as lint_deploy

OWN = "obsgen"
INSTALL = {
    "promtool": "apt-get install --no-install-recommends prometheus",
    "amtool": "apt-get install --no-install-recommends prometheus-alertmanager",
    "blackbox_exporter": "apt-get install --no-install-recommends prometheus-blackbox-exporter",
}
INSTALL["prometheus-blackbox-exporter"] = INSTALL["blackbox_exporter"]
Progress = Callable[[int, int, str, float], None]
"""Told as each tool run ends: runs done, runs in all, the run's file, its seconds."""


def blackbox_exporter() -> str:
    """The exporter's command: upstream's name, or Debian's."""
    return next((n for n in ("blackbox_exporter", "prometheus-blackbox-exporter")
                 if shutil.which(n)), "blackbox_exporter")


CAMEL_CASE = re.compile(r"[A-Z][A-Za-z0-9]*")
MD_LINK = re.compile(r"(?<!\\)\]\(([^)\s]+)\)")
ALERTS_NAME = re.compile(r'ALERTS\{[^}]*alertname="([^"]+)"')


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    tool: str
    level: str  # error, warning or note (never fails a run)
    message: str

    def format(self) -> str:
        return f"{self.file}: {self.tool}: {self.level}: {self.message}"


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    missing_tools: tuple[str, ...]
    files: int

    def errors(self, strict: bool) -> list[Finding]:
        """Errors, and warnings too when strict; notes never fail a run."""
        return [f for f in self.findings
                if f.level == "error" or (strict and f.level == "warning")]


def lint(out_dir: Path, *, jobs: int | None = None,
         project: model.Project | None = None, progress: Progress | None = None) -> Report:
    """`project`: the specs' model, for the semantic checks (`lint/semantic.py`); None skips
    them (the output folder alone does not say which spec wrote an expression). `progress`
    is called as each tool run ends: (runs done, runs in all, its file, its seconds)."""
    from obsgen.lint import semantic

    rules, tests = rule_and_test_files(out_dir)
    findings = own_checks(out_dir, rules, tests)
    if project is not None:
        findings += semantic.findings(project)
    missing: list[str] = []
    # (file, tool, argv, cwd): test files name their rule files relative to themselves
    commands: list[tuple[str, str, list[str], Path | None]] = []
    if rules:
        commands.append((_rel(out_dir, rules[0].parent), "promtool check rules",
                         ["promtool", "check", "rules", *map(str, rules)], None))
    commands += [(_rel(out_dir, t), "promtool test rules",
                  ["promtool", "test", "rules", t.name], t.parent) for t in tests]
    scratch = tempfile.TemporaryDirectory(prefix="obsgen-lint-")
    am_commands, notes = lint_alertmanager.commands(out_dir, Path(scratch.name))
    commands += am_commands
    deploy_commands, deploy_problems = lint_deploy.commands(out_dir, Path(scratch.name))
    commands += deploy_commands
    findings += [Finding(file, OWN, "error", message) for file, message in deploy_problems]
    findings += [Finding(file, "amtool", "note", message) for file, message in notes]
    blackbox = out_dir / "blackbox" / "blackbox.yaml"
    if blackbox.exists():
        commands.append((_rel(out_dir, blackbox), "blackbox_exporter --config.check",
                         [blackbox_exporter(), "--config.check", f"--config.file={blackbox}"],
                         None))
        findings += unknown_probers(out_dir, blackbox)
    scrape = out_dir / "prometheus" / "scrape" / "blackbox.yaml"
    if scrape.exists():
        config = Path(scratch.name) / "prometheus.yml"
        config.write_text(prometheus_config(scrape), encoding="utf-8")
        commands.append((_rel(out_dir, scrape), "promtool check config",
                         ["promtool", "check", "config", "--syntax-only", str(config)], None))
    runnable = []
    for file, tool, argv, cwd in commands:
        if shutil.which(argv[0]) is None:
            if argv[0] not in missing:
                missing.append(argv[0])
            findings.append(Finding(file, tool, "error",
                                    f"{argv[0]} is not installed — install it: {INSTALL[argv[0]]}"))
        else:
            runnable.append((file, tool, argv, cwd))
    workers = jobs or os.cpu_count() or 1
    with scratch, ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_timed, *c): c[0] for c in runnable}
        for done, future in enumerate(as_completed(futures), 1):
            found, seconds = future.result()
            findings += found
            if progress is not None:
                progress(done, len(futures), futures[future], seconds)
    pages = len(list((out_dir / "runbooks").rglob("*.md")))
    files = len(rules) + len(tests) + bool(am_commands) + blackbox.exists() + pages
    return Report(tuple(sorted(findings)), tuple(missing), files)


def _rel(out_dir: Path, path: Path) -> str:
    return str(out_dir / path.relative_to(out_dir))


def _timed(file: str, tool: str, argv: list[str], cwd: Path | None
           ) -> tuple[list[Finding], float]:
    start = time.monotonic()
    return _run(file, tool, argv, cwd), time.monotonic() - start


def _run(file: str, tool: str, argv: list[str], cwd: Path | None) -> list[Finding]:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return []
    output = done.stdout + done.stderr
    if tool == lint_alertmanager.ROUTES:
        expected = next(a for a in argv if a.startswith("--verify.receivers="))
        got = output.splitlines()[0] if output.strip() else "nothing"
        return [Finding(file, tool, "error", f"expected receivers "
                        f"{expected.partition('=')[2]}, Alertmanager routes it to {got}")]
    messages = (promtool_test_failures(output) if tool == "promtool test rules"
                else tool_failures(output))
    return [Finding(file, tool, "error", m) for m in messages or [f"exit {done.returncode}"]]


def tool_failures(output: str) -> list[str]:
    keep = ("FAILED", "error", "Error", "err=", "invalid", "unknown", "cannot", "not ")
    lines = [line.strip() for line in output.splitlines()]
    return [line for line in lines if line and any(k in line for k in keep)]


def promtool_test_failures(output: str) -> list[str]:
    """One message per failed expectation in `promtool test rules` output."""
    out: list[str] = []
    name = ""
    for raw in output.splitlines():
        line = raw.strip()
        if line.startswith("name: "):
            name = line[len("name: "):].rstrip(",")
        elif line.startswith(("alertname: ", "expr: ")) and ", time: " in line:
            what, _, time = line.rstrip(", ").rpartition(", time: ")
            out.append(f"{name}: {what} at {time}: got differs from expected "
                       "(run promtool test rules on this file for the diff)")
        elif line.startswith(("FAILED", "SUCCESS", "Unit Testing")) or not line:
            continue
        elif "error" in line.lower() and not out:
            out.append(line)
    return out


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def rule_and_test_files(out_dir: Path) -> tuple[list[Path], list[Path]]:
    """The rule files (prometheus/rules/*.yaml) and the promtool test files
    (prometheus/tests/, a folder per service included) of an output folder."""
    return (sorted((out_dir / "prometheus" / "rules").glob("*.yaml")),
            sorted((out_dir / "prometheus" / "tests").rglob("*.yaml")))


def own_checks(out_dir: Path, rules: Iterable[Path], tests: Iterable[Path]) -> list[Finding]:
    findings: list[Finding] = []
    defined: dict[str, tuple[str, bool]] = {}  # alert -> (rule file, plain)
    runbooks = out_dir / "runbooks"
    for path in rules:
        file = _rel(out_dir, path)
        for group in _load(path).get("groups", []):
            plain = not str(group.get("name", "")).endswith(".slo-alerts")
            for rule in group.get("rules", []):
                if "alert" not in rule:
                    continue
                name = str(rule["alert"])
                defined[name] = (file, plain)
                findings += _rule_findings(file, name, rule, plain, runbooks)
    asserted: set[str] = set()
    for path in tests:
        file = _rel(out_dir, path)
        named, firing = _tested_alerts(_load(path))
        asserted |= firing
        findings += [Finding(file, OWN, "error", f"tests name alert {n}, which no rule defines")
                     for n in sorted(named - set(defined))]
    findings += runbook_links(out_dir)
    for name, (file, plain) in sorted(defined.items()):
        if name not in asserted:
            hint = ("add tests: to the alert in its spec" if plain
                    else "obsgen synthesizes no series for a raw SLI: add tests: to the SLO "
                    "in its spec")
            findings.append(Finding(file, OWN, "warning",
                                    f"{name}: no test shows it firing — {hint}"))
    return findings


def _rule_findings(file: str, name: str, rule: dict[str, Any], plain: bool,
                   runbooks: Path) -> list[Finding]:
    out = []
    annotations = rule.get("annotations") or {}
    if not CAMEL_CASE.fullmatch(name):
        out.append(f"{name}: alert names are CamelCase")
    for key in ("summary", "description"):
        if not str(annotations.get(key, "")).strip():
            out.append(f"{name}: no {key} annotation")
    if plain and "for" not in rule:
        out.append(f"{name}: plain alert without `for` — set it in the spec (for: 0s to fire "
                   "on a single evaluation on purpose)")
    key = "obsgen_runbook_url" if "obsgen_runbook_url" in annotations else "runbook_url"
    url = str(annotations.get(key, ""))
    if runbooks.is_dir():
        _, found, page = f"/{url}".partition("/runbooks/")
        if not found or not (runbooks / page).is_file():
            out.append(f"{name}: {key} {url or '(none)'} is not a generated runbook page")
    return [Finding(file, OWN, "error", m) for m in out]


PROBERS = ("http", "tcp", "icmp", "dns", "grpc")
"""blackbox_exporter's probers; `--config.check` accepts any other name and fails at probe
time."""


def unknown_probers(out_dir: Path, blackbox: Path) -> list[Finding]:
    modules = (_load(blackbox).get("modules") or {}).items()
    return [Finding(_rel(out_dir, blackbox), OWN, "error",
                    f"module {name}: unknown prober {module.get('prober')!r} — use one of "
                    f"{', '.join(PROBERS)}")
            for name, module in sorted(modules) if module.get("prober") not in PROBERS]


def prometheus_config(scrape: Path) -> str:
    """A Prometheus configuration holding the generated scrape jobs (Prometheus 2.42, the
    version the tests run, predates scrape_config_files: the jobs are inlined)."""
    jobs = _load(scrape).get("scrape_configs") or []
    return yaml.safe_dump({"global": {"scrape_interval": "1m"}, "scrape_configs": jobs})


def runbook_links(out_dir: Path) -> list[Finding]:
    """Every relative link inside the generated runbooks resolves to a file."""
    findings = []
    for page in sorted((out_dir / "runbooks").rglob("*.md")):
        for target in MD_LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z][a-z0-9+.-]*:|#", target):
                continue
            if not (page.parent / target.partition("#")[0]).is_file():
                findings.append(Finding(_rel(out_dir, page), OWN, "error",
                                        f"link {target} does not resolve"))
    return findings


def _tested_alerts(test_file: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Alert names a test file mentions, and those it expects firing at some time."""
    named: set[str] = set()
    firing: set[str] = set()
    for test in test_file.get("tests", []):
        for check in test.get("alert_rule_test", []):
            named.add(str(check["alertname"]))
            if check.get("exp_alerts"):
                firing.add(str(check["alertname"]))
        for check in test.get("promql_expr_test", []):
            named |= set(ALERTS_NAME.findall(str(check.get("expr", ""))))
            for sample in check.get("exp_samples") or []:
                firing |= set(ALERTS_NAME.findall(str(sample.get("labels", ""))))
    return named, firing
