"""The Alertmanager part of `obsgen lint`: `amtool check-config` and the routes test table.

Each row of `alertmanager/routes.test.yaml` becomes one
`amtool config routes test --verify.receivers=<expected> <labels>` run.

When the installed amtool is older than a receiver field the configuration uses (Telegram's
`bot_token_file` and webhook `url_file` are 0.26, Teams Workflows and Jira 0.28), amtool
would reject the file for that field alone. amtool then checks a copy in which those fields
are swapped for placeholders of the older form (receiver names and everything else kept),
and lint says so in a `note`. obsgen's own models check those newer fields against the
releases' sources.
"""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from obsgen import matchers

TOOL = "amtool check-config"
ROUTES = "amtool config routes test"
PLACEHOLDER_URL = "http://127.0.0.1:9/obsgen-placeholder"
Command = tuple[str, str, list[str], Path | None]


def amtool_version() -> tuple[int, int] | None:
    try:
        done = subprocess.run(["amtool", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    found = re.search(r"version (\d+)\.(\d+)", done.stdout + done.stderr)
    return (int(found[1]), int(found[2])) if found else None


def checkable(config: dict[str, Any], version: tuple[int, int]) -> tuple[dict[str, Any], list[str]]:
    """A copy of `config` that an amtool of `version` can read, and what was replaced."""
    replaced: list[str] = []
    receivers = []
    for receiver in copy.deepcopy(config.get("receivers", [])):
        if version < (0, 26):
            for cfg in receiver.get("telegram_configs", []):
                if "bot_token_file" in cfg:
                    cfg.pop("bot_token_file")
                    cfg["bot_token"] = "obsgen-placeholder"
                    replaced.append(f"{receiver['name']}: telegram bot_token_file (0.26)")
            for cfg in receiver.get("webhook_configs", []):
                if "url_file" in cfg:
                    cfg.pop("url_file")
                    cfg["url"] = PLACEHOLDER_URL
                    replaced.append(f"{receiver['name']}: webhook url_file (0.26)")
        if version < (0, 28) and "msteamsv2_configs" in receiver:
            teams = receiver.pop("msteamsv2_configs")
            receiver.setdefault("webhook_configs", []).extend(
                {"url": PLACEHOLDER_URL, "send_resolved": c.get("send_resolved", True)}
                for c in teams
            )
            replaced.append(f"{receiver['name']}: msteamsv2_configs (0.28)")
        if version < (0, 28) and "jira_configs" in receiver:
            issues = receiver.pop("jira_configs")
            receiver.setdefault("webhook_configs", []).extend(
                {"url": PLACEHOLDER_URL, "send_resolved": c.get("send_resolved", True)}
                for c in issues
            )
            replaced.append(f"{receiver['name']}: jira_configs (0.28)")
        receivers.append(receiver)
    return {**config, "receivers": receivers}, replaced


def commands(out_dir: Path, scratch: Path) -> tuple[list[Command], list[tuple[str, str]]]:
    """The amtool runs for `out_dir`, and notes (file, message) about how it is checked."""
    config_path = out_dir / "alertmanager" / "alertmanager.yaml"
    if not config_path.exists():
        return [], []
    shown = str(config_path)
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    version = amtool_version()
    notes: list[tuple[str, str]] = []
    checked = config_path
    if version is not None:
        older, replaced = checkable(config, version)
        if replaced:
            checked = scratch / "alertmanager.yaml"
            checked.write_text(yaml.safe_dump(older, sort_keys=False), encoding="utf-8")
            notes.append((shown, f"amtool {version[0]}.{version[1]} predates fields this "
                                 f"configuration uses; it checked a copy with placeholders for: "
                                 f"{'; '.join(replaced)}"))
    runs: list[Command] = [(shown, TOOL, ["amtool", "check-config", str(checked)], None)]
    table_path = out_dir / "alertmanager" / "routes.test.yaml"
    if table_path.exists():
        table = yaml.safe_load(table_path.read_text(encoding="utf-8")) or {}
        for row in table.get("routes", []):
            argv = ["amtool", "config", "routes", "test", f"--config.file={checked}",
                    f"--verify.receivers={','.join(row['receivers'])}"]
            argv += [matchers.equal(k, str(v)).text() for k, v in row["labels"].items()]
            runs.append((f"{table_path}: {row['alert']}", ROUTES, argv, None))
    return runs, notes
