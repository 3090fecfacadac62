"""Safe Markdown from untrusted text: what a spec says cannot break a runbook's layout.

Runbook templates escape every value by default (the Jinja environment's `finalize`), the
way HTML templates autoescape: a value is printed as literal text unless it is `Trusted`,
which only the helpers below produce. Escaping uses CommonMark backslash escapes, so the
page source stays readable in a diff and renders exactly the text written:

- inline punctuation that starts emphasis, code, links, HTML or tables is escaped
  (`<b>` renders as the text `<b>`: raw HTML never passes through);
- line breaks collapse to spaces, so a value cannot open a heading, list or code block;
- a value that would start a block construct (`# `, `> `, `- `, `1. `) is escaped at its start;
- backtick code spans the writer used are kept (inline, so harmless).
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from markupsafe import Markup

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_CODE_SPAN = re.compile(r"(`+)(?=[^`])(.+?)(?<=[^`])\1(?!`)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


class Trusted(Markup):
    """Markdown that is already safe: printed as is. A `Markup` subclass, so that Jinja's
    autoescaping (which marks macro output as Markup) never escapes it a second time."""

    __slots__ = ()


def text(value: object) -> Trusted:
    """`value` as literal text on one line; Markup (macro output, helpers) passes as is.
    Backtick code spans the writer used stay code spans: they cannot break the layout."""
    if isinstance(value, Markup):
        return Trusted(value)
    return _escaped(str(value))


@functools.lru_cache(maxsize=65536)
def _escaped(value: str) -> Trusted:
    """`text` of plain text; remembered (runbooks repeat the same names and figures)."""
    flat = " ".join(value.split())
    out, last = [], 0
    for span in _CODE_SPAN.finditer(flat):
        out.append(_INLINE.sub(r"\\\1", flat[last : span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_INLINE.sub(r"\\\1", flat[last:]))
    joined = "".join(out)
    if joined[:1] in ("#", "-", "+", "="):
        joined = "\\" + joined
    return Trusted(_ORDERED.sub(r"\1\\\2", joined))


def code(value: object) -> Trusted:
    """`value` as an inline code span, on one line."""
    flat = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return Trusted(f"{fence}{pad}{flat}{pad}{fence}")


def code_block(value: object, language: str = "") -> Trusted:
    """`value` verbatim in a fenced block, fenced longer than any backtick run inside."""
    body = str(value).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    return Trusted(f"{fence}{language}\n{body}\n{fence}")


def link(label: object, url: str) -> Trusted:
    """A link; the URL's spaces, parentheses and angle brackets are percent-encoded."""
    safe = quote(url, safe=":/?#[]@!$&'*+,;=%~-._")
    return Trusted(f"[{text(label)}]({safe})")


def commas(values: object) -> Trusted:
    """Items as literal text, comma-separated."""
    items = values if isinstance(values, list | tuple) else [values]
    return Trusted(", ".join(text(v) for v in items))

