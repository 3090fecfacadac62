"""The project's own Markdown renders as written: tables are tables, relative links resolve.

A blank line inside a table ends it, and on a CommonMark renderer (GitHub's, GitLab's) the
rows after it show as raw `| ... |` text. So every source line that starts with `|` must lie
inside a `table` block of markdown-it's parse (outside fenced code, which the parser skips).
Every relative link or image must name a file of the repository.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.conftest import ROOT

MD = MarkdownIt("commonmark").enable("table")
FILES = sorted(
    {ROOT / "README.md", ROOT / "ARCHITECTURE.md", *(ROOT / "docs").glob("*.md"),
     *(ROOT / "benchmarks").glob("*.md")}
)


def _ids(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _inline_tokens(tokens: list[Token]) -> list[Token]:
    found: list[Token] = []
    for token in tokens:
        if token.children:
            found += _inline_tokens(token.children)
        found.append(token)
    return found


def broken_table_lines(text: str) -> list[int]:
    """1-based numbers of lines starting with `|` that are neither in a table nor in code."""
    covered: set[int] = set()
    for token in MD.parse(text):
        if token.map and token.type in ("table_open", "fence", "code_block", "html_block"):
            covered.update(range(*token.map))
    return [n + 1 for n, line in enumerate(text.splitlines())
            if line.lstrip().startswith("|") and n not in covered]


def broken_links(path: Path, text: str) -> list[str]:
    """Relative link and image targets that name no file (anchors are not checked)."""
    bad = []
    for token in _inline_tokens(MD.parse(text)):
        target = token.attrs.get("href") or token.attrs.get("src")
        if not isinstance(target, str):
            continue
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:  # a URL, mailto:, or "#anchor"
            continue
        if not (path.parent / unquote(parts.path)).exists():
            bad.append(target)
    return bad


def test_the_checks_catch_what_they_are_for() -> None:
    split = "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n| 3 | 4 |\n"
    assert broken_table_lines(split) == [5]
    assert broken_table_lines("```\n| not a table |\n```\n") == []
    assert broken_links(ROOT / "README.md", "[x](docs/absent.md) [y](#here) [z](https://e.x)") \
        == ["docs/absent.md"]


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_tables_render_as_tables(path: Path) -> None:
    lines = broken_table_lines(path.read_text(encoding="utf-8"))
    assert not lines, (f"{_ids(path)}: lines {lines} start with '|' outside any table "
                       "(a blank line or a missing header row breaks the table)")


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_relative_links_resolve(path: Path) -> None:
    bad = broken_links(path, path.read_text(encoding="utf-8"))
    assert not bad, f"{_ids(path)}: links to missing files: {bad}"
