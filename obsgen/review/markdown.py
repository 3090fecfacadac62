"""`obsgen diff --format markdown`: the report as a pull-request comment.

CommonMark only (headings, lists, code spans, emphasis): it reads the same on GitHub, GitLab
and Gitea. Every value that comes from the specs (names, expressions, titles) goes into a code
span, so that `*`, `_`, `<` or `|` in a PromQL expression never turns into markup or HTML.
"""

from __future__ import annotations

import re

from obsgen.review.changes import (
    SECTIONS,
    TITLES,
    Action,
    Change,
    Detail,
    Report,
    files_line,
    headline,
    parts,
)

LIMIT = 60_000
"""Characters of a comment: GitHub's limit is 65,536, GitLab's larger."""
_LONG = 120
"""Values longer than this together also get the pieces that differ."""
_PIECES = 6

VERBS: dict[Action, str] = {"added": "added", "removed": "removed", "changed": "changed",
                            "renamed": "renamed"}


def code(text: str) -> str:
    """A CommonMark code span holding `text` exactly (on one line): the fence is one backtick
    longer than the longest run inside, padded when the text starts or ends with one."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return "*(none)*"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escape(text: str) -> str:
    """Text inside a line (never at its start), with the punctuation that could open
    markup there escaped: code, emphasis, links, HTML, entities, GFM tables and strikeout."""
    return re.sub(r"([\\`*_\[\]<>|~&])", r"\\\1", text)


def render(report: Report, *, limit: int = LIMIT) -> str:
    """The comment, at most `limit` characters: the changes that do not fit are counted in a
    closing line instead (GitHub refuses a comment over 65,536 characters)."""
    head = [f"### obsgen diff: {code(report.base)} → {code(report.head)}", "",
            f"**{_escape(headline(report))}**"]
    tail = ["", f"Generated files: {_escape(files_line(report.files))}"]
    room = limit - _size(head) - _size(tail)
    body, omitted = _body(report, room)
    if omitted:
        body, omitted = _body(report, room - len(_omitted(len(report.changes))) - 2)
        body += ["", _omitted(omitted)]
    return "\n".join([*head, *body, *tail]) + "\n"


def _body(report: Report, budget: int) -> tuple[list[str], int]:
    """The sections' lines within `budget` characters, and how many changes did not fit."""
    body: list[str] = []
    omitted = 0
    for section in SECTIONS:
        title = ["", f"#### {TITLES[section]}", ""]
        for i, change in enumerate(report.section(section)):
            block = [*(title if i == 0 else []), *_change(change)]
            if omitted or _size(body) + _size(block) > budget:
                omitted += 1
                continue
            body += block
    return body, omitted


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _omitted(count: int) -> str:
    return (f"*{count} more change{'s' if count != 1 else ''} not shown, to keep the comment "
            f"within {LIMIT:,} characters: run `obsgen diff` for every one.*")


def _change(change: Change) -> list[str]:
    name = (f"{code(change.old_name)} → {code(change.name)}" if change.action == "renamed"
            else code(change.name))
    head = f"- **{VERBS[change.action]}** {name}"
    if change.summary:
        head += f": {_escape(change.summary)}"
    return [head, *(_detail(d, change.action) for d in change.details)]


def _detail(detail: Detail, action: Action) -> str:
    what = _escape(detail.what)
    if action in ("added", "removed"):
        value = code(detail.new if action == "added" else detail.old)
        return f"  - {what}: {value}"
    if not detail.changed:
        return f"  - {what}: {code(detail.old)} (unchanged)"
    line = f"{what}: {code(detail.old)} → {code(detail.new)}"
    pieces = parts(detail.old, detail.new) if detail.old and detail.new else []
    if len(detail.old) + len(detail.new) > _LONG and 0 < len(pieces) <= _PIECES:
        line += " (where: " + "; ".join(f"{code(a)} → {code(b)}" for a, b in pieces) + ")"
    return f"  - **{line}**" if detail.emphasis else f"  - {line}"
