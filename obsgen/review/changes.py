"""The records `obsgen diff` produces: a `Report` of `Change`s, each with its `Detail`s.

Renderers (`text`, `markdown`, `jsonout`) read only these; `compare` builds them. Every
value is already text (durations formatted, percentages written out), so the three formats
say the same thing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Section = Literal["alerts", "slos", "routing", "dashboards", "probes", "runbooks"]
Action = Literal["added", "removed", "renamed", "changed"]

SECTIONS: tuple[Section, ...] = ("alerts", "slos", "routing", "dashboards", "probes",
                                 "runbooks")
TITLES: Mapping[Section, str] = {
    "alerts": "Alerts", "slos": "SLOs", "routing": "Routing", "dashboards": "Dashboards",
    "probes": "Probes", "runbooks": "Runbooks",
}


@dataclass(frozen=True, kw_only=True)
class Detail:
    """One fact of a change: `what` was `old` and is now `new` ("" when absent on a side)."""

    what: str
    old: str
    new: str
    emphasis: bool = False
    """A fact a reviewer must not miss: severity, who is paged."""

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True, kw_only=True)
class Change:
    section: Section
    action: Action
    name: str
    """The subject: an alert, `service/slo`, a receiver, a dashboard's title, a runbook."""
    old_name: str = ""
    """Renamed alerts: the name before."""
    summary: str = ""
    """One line of context: an added alert's severity and receivers, a runbook's path."""
    details: tuple[Detail, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FileCount:
    """Generated files of one output kind (`prometheus/rules`, `runbooks`, ...) touched."""

    kind: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    lines_added: int = 0
    lines_removed: int = 0

    @property
    def touched(self) -> int:
        return self.added + self.removed + self.changed


@dataclass(frozen=True, kw_only=True)
class Report:
    base: str
    """How the base side is named: a git revision, or the folder."""
    head: str
    changes: tuple[Change, ...]
    files: tuple[FileCount, ...]

    def section(self, section: Section) -> list[Change]:
        return [c for c in self.changes if c.section == section]

    def counts(self) -> dict[Section, int]:
        return {s: n for s in SECTIONS if (n := len(self.section(s)))}


_TOKEN = re.compile(r'[^\s,(){}\[\]"=<>|*/+]+|\s+|.')
"""Words of a value: `0.001`, `14.4x`, `17:00`, `#web-alerts`, `rate1h`; whitespace and
the punctuation of PromQL and JSON between them."""


def parts(old: str, new: str) -> list[tuple[str, str]]:
    """The pieces that differ between two long values, token by token and without repeats:
    `[("0.001", "0.005")]` for an expression whose threshold moved."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pair = ("".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip())
        while pair[0][-1:] == pair[1][-1:] != "" and pair[0][-1] in ".,;:":
            pair = (pair[0][:-1], pair[1][:-1])  # the end of a sentence, not of the value
        if op != "equal" and pair not in out:
            out.append(pair)
    return out


def headline(report: Report) -> str:
    """`3 alerts, 1 SLO, 2 routing changes` or `no changes`."""
    words: Mapping[Section, tuple[str, str]] = {
        "alerts": ("alert", "alerts"), "slos": ("SLO", "SLOs"),
        "routing": ("routing change", "routing changes"),
        "dashboards": ("dashboard", "dashboards"), "probes": ("probe", "probes"),
        "runbooks": ("runbook", "runbooks"),
    }
    parts = [f"{n} {words[s][n != 1]}" for s, n in report.counts().items()]
    return ", ".join(parts) if parts else "no changes"


def files_line(files: Iterable[FileCount]) -> str:
    """`prometheus/rules 1 changed, runbooks 2 changed (3 files, +12 -12 lines)`."""
    rows, total, plus, minus = [], 0, 0, 0
    for f in files:
        what = [f"{n} {word}" for n, word in ((f.added, "added"), (f.removed, "removed"),
                                             (f.changed, "changed")) if n]
        rows.append(f"{f.kind} {', '.join(what)}")
        total += f.touched
        plus += f.lines_added
        minus += f.lines_removed
    if not rows:
        return "no generated file changes"
    return (f"{'; '.join(rows)} ({total} file{'s' if total != 1 else ''}, +{plus} -{minus} "
            f"lines)")


def output_kind(path: str) -> str:
    """The output kind of a generated path: its folder, two levels deep for the folders that
    hold several kinds (prometheus/rules and prometheus/tests, kubernetes/<form>)."""
    parts = path.split("/")
    if len(parts) > 2 and parts[0] in ("prometheus", "kubernetes", "grafana"):
        return "/".join(parts[:2])
    return parts[0] if len(parts) > 1 else path


def file_counts(base: Mapping[str, str], head: Mapping[str, str]) -> tuple[FileCount, ...]:
    """Per output kind, the files added, removed and changed and the lines they touch."""
    acc: dict[str, list[int]] = {}
    for path in sorted(set(base) | set(head)):
        old, new = base.get(path), head.get(path)
        if old == new:
            continue
        row = acc.setdefault(output_kind(path), [0, 0, 0, 0, 0])
        row[0 if old is None else 1 if new is None else 2] += 1
        for line in difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(),
                                         lineterm="", n=0):
            if line.startswith(("+++", "---")):
                continue
            if line.startswith("+"):
                row[3] += 1
            elif line.startswith("-"):
                row[4] += 1
    return tuple(FileCount(kind=k, added=a, removed=r, changed=c, lines_added=p,
                           lines_removed=m) for k, (a, r, c, p, m) in sorted(acc.items()))
