"""`obsgen diff --format json`: the report for tools, keys sorted, one stable shape.

    {"base": REF, "head": DIR, "summary": {"alerts": 2, ...},
     "changes": [{"section", "action", "name", "old_name", "summary",
                  "details": [{"what", "old", "new", "changed", "emphasis"}]}],
     "files": [{"kind", "added", "removed", "changed", "lines_added", "lines_removed"}]}

`old` / `new` are "" where a side has no value (an added alert has no old expression).
"""

from __future__ import annotations

import json
from typing import Any

from obsgen.review.changes import Change, Report


def as_data(report: Report) -> dict[str, Any]:
    return {
        "base": report.base,
        "head": report.head,
        "summary": dict(report.counts()),
        "changes": [_change(c) for c in report.changes],
        "files": [{"kind": f.kind, "added": f.added, "removed": f.removed,
                   "changed": f.changed, "lines_added": f.lines_added,
                   "lines_removed": f.lines_removed} for f in report.files],
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "section": change.section,
        "action": change.action,
        "name": change.name,
        "old_name": change.old_name,
        "summary": change.summary,
        "details": [{"what": d.what, "old": d.old, "new": d.new, "changed": d.changed,
                     "emphasis": d.emphasis} for d in change.details],
    }


def render(report: Report) -> str:
    return json.dumps(as_data(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
