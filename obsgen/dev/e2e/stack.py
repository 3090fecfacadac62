"""The configuration the real tools run: the generated files, pointed at local receivers.

`alertmanager_config` rewrites a copy of the generated `alertmanager.yaml`: every `*_file`
moves to the run's `secrets/` folder, where a file is written holding what the receiver
needs (a loopback URL of its sink, or a credential the sink checks), and endpoints written in
the spec (PagerDuty's default URL, Opsgenie's and SNS's `api_url`, an inline webhook `url`,
the SMTP smarthost) point at the sinks. When the Alertmanager that runs is older than fields
the file uses (Debian's 0.25 against 0.26+ fields), the copy goes through
`obsgen.lint.alertmanager.checkable`, obsgen lint's placeholder copy, with the placeholders
filled from the same secret files: Telegram's `bot_token` holds the token file's content, a
webhook's `url` the URL file's; Teams Workflows and Jira, which 0.25 cannot speak, become
webhooks to their sinks (their message format is then not checked), and the run says so.
"""

from __future__ import annotations

import copy
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from obsgen.lint.alertmanager import PLACEHOLDER_URL, checkable

SECRET_KINDS = {"slack_configs": "slack", "webhook_configs": "webhook",
                "msteamsv2_configs": "teams", "jira_configs": "jira",
                "pagerduty_configs": "pagerduty", "opsgenie_configs": "opsgenie",
                "telegram_configs": "telegram", "sns_configs": "sns", "email_configs": "email"}
AWS_ACCESS_KEY = "E2EACCESSKEY"
SEND_RESOLVED_DEFAULT = {"email": False, "slack": False}
"""Alertmanager's own defaults where a config leaves send_resolved out (others: true)."""


@dataclass
class Prepared:
    """The Alertmanager config to run, the kinds each receiver's integrations speak
    ({receiver: [(kind, send_resolved, stand_in)]}), the credentials the sinks check,
    {address: receiver} for email, and notes for the output."""

    config: dict[str, Any]
    integrations: dict[str, list[tuple[str, bool, bool]]] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def version_of(binary: str) -> tuple[int, int]:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False,
                          timeout=30)
    found = re.search(r"version (\d+)\.(\d+)", done.stdout + done.stderr)
    if not found:
        raise RuntimeError(f"{binary} --version printed no version: {done.stderr[:200]}")
    return int(found[1]), int(found[2])


class _Secrets:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.owner: dict[str, tuple[str, str]] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, path: str, content: str, receiver: str) -> str:
        """The run's copy of secret file `path`, holding `content`."""
        name = Path(path).name
        if self.owner.setdefault(name, (receiver, content)) != (receiver, content):
            other = self.owner[name][0]
            raise ValueError(f"secret file {path} is named by receivers {other} and {receiver}: "
                             "the e2e run tells receivers apart by their files, give each its own")
        target = self.folder / name
        # no final newline: Alertmanager 0.25 sends an Opsgenie api_key_file verbatim, and a
        # newline in the Authorization header fails every notification
        target.write_text(content, encoding="utf-8")
        return str(target)


def alertmanager_config(generated: Path, secrets_dir: Path, url: Any, smtp_port: int,
                        version: tuple[int, int]) -> Prepared:
    """The generated config at `generated`, runnable here; `url(kind, receiver)` is a sink."""
    config = yaml.safe_load(generated.read_text(encoding="utf-8"))
    prepared = Prepared(config)
    secrets = _Secrets(secrets_dir)
    webhook_urls: dict[str, dict[str, list[str]]] = {}
    for receiver in config.get("receivers", []):
        name = receiver["name"]
        kinds = prepared.integrations.setdefault(name, [])
        for key, configs in receiver.items():
            if key == "name":
                continue
            if key not in SECRET_KINDS:
                raise ValueError(f"receiver {name}: {key} is not a kind the e2e run has a sink for")
            kind = SECRET_KINDS[key]
            for cfg in configs:
                _point(cfg, kind, name, url(kind, name), smtp_port, secrets, prepared)
                resolved = cfg.get("send_resolved", SEND_RESOLVED_DEFAULT.get(kind, True))
                stand_in = kind in ("teams", "jira") and version < (0, 28)
                kinds.append((kind, bool(resolved), stand_in))
                if kind in ("webhook", "teams", "jira"):
                    webhook_urls.setdefault(name, {}).setdefault(kind, []).append(url(kind, name))
    runnable, replaced = checkable(config, version)
    if replaced:
        prepared.notes.append(
            f"Alertmanager {version[0]}.{version[1]} predates fields of this configuration: it "
            f"runs obsgen lint's placeholder copy, filled from the secret files, for: "
            f"{'; '.join(replaced)}. Teams and Jira are then webhooks to their sinks: their "
            "delivery and routing are proven, not their message format.")
    for receiver in runnable["receivers"]:
        name = receiver["name"]
        for cfg in receiver.get("telegram_configs", []):
            if cfg.get("bot_token") == "obsgen-placeholder":
                cfg["bot_token"] = prepared.credentials[name]
        # checkable keeps a receiver's webhooks in order and appends Teams, then Jira
        urls = webhook_urls.get(name, {})
        targets = urls.get("webhook", []) + [
            u for kind in ("teams", "jira") if version < (0, 28) for u in urls.get(kind, [])]
        for cfg, target in zip(receiver.get("webhook_configs", []), targets, strict=True):
            if cfg.get("url") == PLACEHOLDER_URL:
                cfg["url"] = target
    prepared.config = runnable
    return prepared


def _point(cfg: dict[str, Any], kind: str, receiver: str, sink: str, smtp_port: int,
           secrets: _Secrets, prepared: Prepared) -> None:
    """Point one integration's config at its sink, in place."""
    def secret(key: str, content: str) -> None:
        cfg[key] = secrets.write(cfg[key], content, receiver)

    if kind == "slack":
        secret("api_url_file", sink)
    elif kind in ("webhook", "teams"):
        file_key = "webhook_url_file" if kind == "teams" else "url_file"
        if file_key in cfg:
            secret(file_key, sink)
        else:
            cfg["url"] = sink
    elif kind == "pagerduty":
        prepared.credentials[receiver] = f"e2e-routing-key-{receiver}"
        secret("routing_key_file", prepared.credentials[receiver])
        cfg["url"] = sink + "v2/enqueue"
    elif kind == "opsgenie":
        prepared.credentials[receiver] = f"e2e-opsgenie-key-{receiver}"
        secret("api_key_file", prepared.credentials[receiver])
        cfg["api_url"] = sink
    elif kind == "telegram":
        prepared.credentials[receiver] = f"123456:e2e-bot-token-{receiver}"
        secret("bot_token_file", prepared.credentials[receiver])
        cfg["api_url"] = sink.rstrip("/")
    elif kind == "sns":
        prepared.credentials[receiver] = AWS_ACCESS_KEY
        cfg["api_url"] = sink
    elif kind == "jira":
        auth = cfg.get("http_config", {}).get("basic_auth", {})
        if "password_file" in auth:
            auth["password_file"] = secrets.write(auth["password_file"], "e2e-jira", receiver)
        cfg["api_url"] = sink
    elif kind == "email":
        cfg["smarthost"] = f"127.0.0.1:{smtp_port}"
        cfg["require_tls"] = False
        if "auth_password_file" in cfg:
            secret("auth_password_file", f"e2e-smtp-{receiver}")
        for address in str(cfg["to"]).split(","):
            prepared.addresses[address.strip().lower()] = receiver


def rules_copy(out: Path, workdir: Path) -> list[str]:
    """The generated rule files with every group evaluated each second."""
    paths = []
    for rules in sorted((out / "prometheus/rules").glob("*.yaml")):
        data = yaml.safe_load(rules.read_text(encoding="utf-8"))
        for group in data["groups"]:
            group["interval"] = "1s"
        target = workdir / "rules" / rules.name
        target.parent.mkdir(exist_ok=True)
        target.write_text(yaml.safe_dump(data), encoding="utf-8")
        paths.append(str(target))
    return paths


def prometheus_config(out: Path, workdir: Path, exporter: str, site: str, blackbox: str,
                      alertmanager: str) -> dict[str, Any]:
    """Scrape the exporter each second and the generated probe jobs as written, but for
    their targets (the local site, same path) and the exporter's address."""
    jobs: list[dict[str, Any]] = []
    scrape = out / "prometheus/scrape/blackbox.yaml"
    if scrape.exists():
        for job in copy.deepcopy(yaml.safe_load(scrape.read_text())["scrape_configs"]):
            for static in job.get("static_configs", []):
                static["targets"] = [re.sub(r"^\w+://[^/]+", site, t)
                                     for t in static["targets"]]
            for relabel in job.get("relabel_configs", []):
                if relabel.get("target_label") == "__address__":
                    relabel["replacement"] = blackbox
            jobs.append(job)
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": rules_copy(out, workdir),
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]},
        "scrape_configs": [{"job_name": "e2e", "static_configs": [{"targets": [exporter]}]},
                           *jobs],
    }
