"""Load spec files into plain documents that remember where each value came from.

YAML is composed into nodes (which carry line and column) and turned into Python values here,
rather than by PyYAML's constructor, so that this module can:

- record the position of every key and value, for located error messages;
- reject duplicate keys (PyYAML silently keeps the last one);
- bound alias expansion (a "billion laughs" file is an error, not a hung CI job);
- keep timestamps and other exotic scalars as the text the user wrote.

Jsonnet files are evaluated with the `jsonnet` package; their output has no useful positions,
so their diagnostics point at the file's first line.

Specs are untrusted input (docs/security.md): `obsgen.spec.tree.load_tree` reads a specs
folder through a `ReadScope`, so nothing outside it is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from obsgen.errors import Diagnostic, display_name, format_path
from obsgen.spec.scope import (
    ReadScope,
    _unreadable_folder,
)

SPEC_SUFFIXES = (".yaml", ".yml", ".jsonnet")
MAX_NODES = 100_000
"""Most YAML nodes one document may expand to, counting each alias use: guards alias bombs."""

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """One document of one spec file: its data and the position of every part of it."""

    file: str
    """The file as shown in messages (relative to the working directory when inside it)."""
    source: str
    """The file as named in generated headers: stable whatever the working directory."""
    index: int
    data: Any
    start: tuple[int, int] = (1, 1)
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            table = self.keys if key and probe in self.keys else self.values
            if probe in table:
                return table[probe]
            key = False
            probe = probe[:-1]
        return self.start

    def diagnostic(
        self, path: PathKey, message: str, hint: str = "", *, at_key: bool = False
    ) -> Diagnostic:
        line, col = self.position(path, key=at_key)
        return Diagnostic(self.file, line, col, format_path(path), message, hint)


def discover(specs_dir: Path) -> list[Path]:
    """Spec files below `specs_dir`, in a stable order; hidden files and folders are skipped."""
    found: list[Path] = []
    for root, dirs, files in os.walk(specs_dir, onerror=_unreadable_folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if (not name.startswith(".") and name.endswith(SPEC_SUFFIXES)
                    and not name.endswith(".dashboard.jsonnet")):  # a dashboard, not a spec
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(specs_dir).as_posix())


def load_file(
    path: Path, source: str, scope: ReadScope | None = None
) -> tuple[list[Document], list[Diagnostic]]:
    """Read one spec file; returns its documents or the diagnostics that prevented reading it.
    `scope`: where the Jsonnet it imports may be read from (default: its own folder)."""
    shown = display_name(path)
    if path.suffix == ".jsonnet":
        from obsgen.spec.jsonnet import load_jsonnet

        return load_jsonnet(path, shown, source, scope)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return [], [
            Diagnostic(
                shown,
                line,
                col,
                "",
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save it as UTF-8",
            )
        ]
    return load_yaml_text(text, shown, source)


def load_yaml_text(text: str, shown: str, source: str) -> tuple[list[Document], list[Diagnostic]]:
    docs: list[Document] = []
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        return [], [_yaml_syntax_diagnostic(exc, shown, text)]
    except yaml.YAMLError as exc:  # no mark: rare (e.g. a reader error)
        return [], [Diagnostic(shown, 1, 1, "", f"YAML error: {exc}", "fix the YAML syntax")]
    problems: list[Diagnostic] = []
    for index, node in enumerate(nodes):
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            continue
        doc = Document(shown, source, index, None, _pos(node.start_mark))
        builder = _Builder(doc)
        try:
            doc.data = builder.build(node, ())
        except _BuildError as exc:
            problems.append(exc.diagnostic)
            continue
        problems.extend(builder.problems)
        docs.append(doc)
    if not docs and not problems:
        problems.append(
            Diagnostic(
                shown,
                1,
                1,
                "",
                "the file holds no document",
                "add one (apiVersion: obsgen/v1 and a kind) or delete the file",
            )
        )
    return docs, problems


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_KEEP_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}


def _is_sexagesimal(node: yaml.ScalarNode) -> bool:
    """YAML 1.1 reads 18:00 as the number 1080; a clock time is meant: keep the text."""
    return node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and ":" in node.value


def _pos(mark: Any) -> tuple[int, int]:
    return (int(mark.line) + 1, int(mark.column) + 1)


def _yaml_syntax_diagnostic(exc: yaml.MarkedYAMLError, shown: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = _pos(mark) if mark is not None else (1, 1)
    problem = (exc.problem or str(exc)).strip()
    lines = text.splitlines()
    here = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) else ""
    if here == "\t" or "'\\t'" in problem:
        return Diagnostic(
            shown,
            line,
            col,
            "",
            "a tab character where YAML allows only spaces",
            "indent with spaces",
        )
    context = ""
    if exc.context:
        started = exc.context_mark
        where = f" that starts at line {started.line + 1}" if started is not None else ""
        context = f" ({exc.context.strip()}{where})"
    return Diagnostic(
        shown,
        line,
        col,
        "",
        f"YAML syntax error: {problem}{context}",
        "fix the YAML syntax at this position",
    )


class _BuildError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


class _Builder:
    """Turns a composed node tree into Python values, recording positions as it goes."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()
        self.problems: list[Diagnostic] = []

    def fail(self, node: yaml.Node, path: PathKey, message: str, hint: str) -> _BuildError:
        line, col = _pos(node.start_mark)
        return _BuildError(Diagnostic(self.doc.file, line, col, format_path(path), message, hint))

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, col = self.doc.position(path[:1])
            raise _BuildError(
                Diagnostic(
                    self.doc.file,
                    line,
                    col,
                    format_path(path[:1]),
                    f"expands to more than {MAX_NODES} values through aliases",
                    "use fewer aliases (is this an alias bomb?)",
                )
            )
        if id(node) in self.active:
            raise self.fail(node, path, "an alias refers to itself", "remove the recursive alias")
        self.doc.values.setdefault(path, _pos(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _KEEP_AS_TEXT or _is_sexagesimal(node):
                return node.value
            return _CONSTRUCTOR.construct_object(node, deep=True)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.Node, path: PathKey) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        seen: dict[Any, tuple[int, int]] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged.update(self._merge_sources(value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(
                    key_node, path, "a key must be a plain value", "use a string as the key"
                )
            key = _CONSTRUCTOR.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                key = key_node.value
            where = _pos(key_node.start_mark)
            if key in seen:
                self.problems.append(
                    Diagnostic(
                        self.doc.file,
                        *where,
                        format_path((*path, key)),
                        f"duplicate key {key!r} (first at line {seen[key][0]})",
                        "remove one of the two",
                    )
                )
                continue
            seen[key] = where
            self.doc.keys[(*path, key)] = where
            out[key] = self.build(value_node, (*path, key))
        for key, value in merged.items():
            out.setdefault(key, value)
        return out

    def _merge_sources(self, node: yaml.Node, path: PathKey) -> dict[Any, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise self.fail(
                    source,
                    path,
                    "'<<' merges only mappings",
                    "merge an anchored mapping: <<: *name",
                )
            for key, value in self._mapping(source, path).items():
                merged.setdefault(key, value)
        return merged


# What a run may read (docs/security.md). Specs come from whoever can open a pull request, so
# every path they name, import or link to is checked before anything is read.
