"""Load spec files into plain documents that remember where each value came from.

YAML is composed into nodes (which carry line and column) and turned into Python values here,
rather than by PyYAML's constructor, so that this module can:

- record the position of every key and value, for located error messages;
- reject duplicate keys (PyYAML silently keeps the last one);
- bound alias expansion (a "billion laughs" file is an error, not a hung CI job);
- keep timestamps and other exotic scalars as the text the user wrote.

Jsonnet files are evaluated with the `jsonnet` package; their output has no useful positions,
so their diagnostics point at the file's first line.

Specs are untrusted input (docs/security.md): `load_tree` reads nothing outside the specs
folder (`ReadScope`): no file reached through a link leading out of it, no hidden file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from obsgen.errors import Diagnostic, EnvironmentProblem, display_name, format_path

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

OUTSIDE = "leads outside the specs folder"
LINK_OUT = "is a symbolic link leading outside the specs folder"
HIDDEN = "is hidden or inside a hidden folder"
REFUSAL_HINTS = {
    OUTSIDE: "obsgen reads nothing outside the specs folder: move the file inside it",
    LINK_OUT: "obsgen follows no link out of the specs folder: copy the file inside it",
    HIDDEN: "obsgen reads no hidden file or folder (such as .git): rename it",
}
FOLDER_HINTS = {
    OUTSIDE: "obsgen reads nothing outside the specs folder: move the folder inside it",
    LINK_OUT: "obsgen follows no link out of the specs folder: copy the folder inside it",
    HIDDEN: "obsgen reads no hidden file or folder (such as .git): rename it",
}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in Path(rel).parts)


def lexical_name(path: str | Path) -> str:
    """`path` as shown in messages, without resolving links: relative to the working
    directory when it lies below it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if _inside(absolute, cwd):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return Path(path).as_posix()


@dataclass(frozen=True)
class ReadScope:
    """The files one run may read: below the specs folder `root`, with no link leading out
    of it, none hidden. Jsonnet imports are looked up beside the importing file, then in
    `libraries` (Settings.jsonnet_library_paths, inside the root), first match wins."""

    root: str
    """The specs folder, absolute, as given (links not resolved)."""
    real: str
    """The specs folder with every link resolved."""
    libraries: tuple[str, ...] = ()
    """Absolute paths of the Jsonnet library folders."""

    @classmethod
    def of(cls, folder: Path, libraries: tuple[str, ...] = ()) -> ReadScope:
        return cls(os.path.abspath(folder), os.path.realpath(folder), libraries)

    def refusal(self, path: str | Path) -> str:
        """Why `path` may not be read (OUTSIDE, LINK_OUT or HIDDEN), or "" when it may."""
        lexical = os.path.abspath(path)
        if _inside(lexical, self.root):
            below = os.path.relpath(lexical, self.root)
        elif _inside(lexical, self.real):
            below = os.path.relpath(lexical, self.real)
        else:
            return OUTSIDE
        real = os.path.realpath(lexical)
        if not _inside(real, self.real):
            return LINK_OUT
        if _hidden(below) or _hidden(os.path.relpath(real, self.real)):
            return HIDDEN
        return ""

    def read(self, path: str | Path) -> bytes:
        """The bytes of `path`, which `refusal` allowed: opened by its resolved name, so no
        link is followed on the way (OSError as the operating system reports it)."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(os.path.realpath(path), flags), "rb") as handle:
            return handle.read()

    def in_library(self, path: str | Path) -> bool:
        lexical = os.path.abspath(path)
        return any(_inside(lexical, folder) for folder in self.libraries)


_SCOPES: dict[str, ReadScope] = {}
"""The scope of each specs folder loaded by `load_tree`, by its resolved path: Jsonnet
dashboards are evaluated during validation and again by the build, with the same scope."""


def scope_for(path: str | Path) -> ReadScope:
    """The scope of the loaded specs folder holding `path` (the innermost one), or for a file
    loaded some other way (`load_file`, `load_yaml_text`) its own folder."""
    lexical = os.path.abspath(path)
    found = [s for s in _SCOPES.values() if _inside(lexical, s.root) or _inside(lexical, s.real)]
    if found:
        return max(found, key=lambda s: len(s.root))
    return ReadScope.of(Path(lexical).parent)


def _unreadable_folder(exc: OSError) -> None:
    where = lexical_name(exc.filename) if exc.filename else "the specs folder"
    raise EnvironmentProblem(
        f"{where}: cannot read the folder ({exc.strerror}) — make it readable, or move it out "
        "of the specs folder"
    )


def unreadable(path: str | Path, exc: OSError) -> EnvironmentProblem:
    """The environment problem of a spec, template or Jsonnet file that cannot be read."""
    return EnvironmentProblem(
        f"{lexical_name(path)}: cannot read the file ({exc.strerror or exc}) — make it "
        "readable, or move it out of the specs folder"
    )


def load_tree(
    specs_dir: Path, files: list[Path], base: str
) -> tuple[list[Document], list[Diagnostic]]:
    """Load the spec files `files` (from `discover`) of `specs_dir`; `base` names the folder
    in generated headers. YAML files are read first: the first YAML Settings document's
    jsonnet_library_paths are needed before any Jsonnet is evaluated. Files inside a library
    folder are not specs. A file that is a link out of the folder is refused, not read."""
    _refuse_linked_folder(specs_dir)
    scope = ReadScope.of(specs_dir)
    sources = {path: f"{base}/{path.relative_to(specs_dir).as_posix()}" for path in files}
    loaded: dict[Path, tuple[list[Document], list[Diagnostic]]] = {}
    for path in files:
        if path.suffix != ".jsonnet":
            loaded[path] = _load_confined(path, sources[path], scope)
    problems: list[Diagnostic] = []
    settings = [(path, doc) for path in files if path in loaded
                for doc in loaded[path][0] if _is_settings(doc)]
    if settings:
        libraries, found = library_folders(settings[0][1], settings[0][0], scope)
        scope = replace(scope, libraries=libraries)
        problems.extend(found)
    _SCOPES[scope.real] = scope
    for path in files:
        if path.suffix == ".jsonnet" and not scope.in_library(path):
            loaded[path] = _load_confined(path, sources[path], scope)
    documents: list[Document] = []
    for path in files:
        if path in loaded and not scope.in_library(path):
            documents.extend(loaded[path][0])
            problems.extend(loaded[path][1])
    for doc in documents:
        if _is_settings(doc):
            problems.extend(_settings_path_problems(doc, scope))
    return documents, problems


def _refuse_linked_folder(specs_dir: Path) -> None:
    """The specs folder must not be a symbolic link — itself, or a folder on the way to it
    below the working directory (those come with the repository, like the specs)."""
    absolute = Path(os.path.abspath(specs_dir))
    cwd = Path(os.getcwd())
    way = [absolute]
    if absolute.is_relative_to(cwd):
        parts = absolute.relative_to(cwd).parts
        way = [cwd.joinpath(*parts[:i]) for i in range(1, len(parts) + 1)]
    for step in way:
        if step.is_symlink():
            shown = lexical_name(step)
            if step != absolute:
                shown = f"{shown} (on the way to {specs_dir})"
            raise EnvironmentProblem(
                f"{shown}: a symbolic link — obsgen reads the specs from no link: pass the real "
                "folder as --specs, or replace the link with the folder")


def _load_confined(
    path: Path, source: str, scope: ReadScope
) -> tuple[list[Document], list[Diagnostic]]:
    refusal = scope.refusal(path)
    if refusal:
        return [], [Diagnostic(lexical_name(path), 1, 1, "", f"this file {refusal}",
                               REFUSAL_HINTS[refusal])]
    try:
        return load_file(path, source, scope)
    except OSError as exc:
        raise unreadable(path, exc) from None


def _is_settings(doc: Document) -> bool:
    return isinstance(doc.data, dict) and doc.data.get("kind") == "Settings"


def library_folders(
    doc: Document, settings_path: Path, scope: ReadScope
) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """The Jsonnet library folders a YAML Settings document declares: relative to the specs
    folder, inside it, reached through no link out of it. A malformed list is left to
    validation; a folder that may not be used is a located problem."""
    value = doc.data.get("jsonnet_library_paths")
    if not isinstance(value, list):
        return (), []
    folders: list[str] = []
    problems: list[Diagnostic] = []
    hint = "name a folder inside the specs folder, relative to it (e.g. vendor)"
    for i, entry in enumerate(value):
        if not isinstance(entry, str):
            continue
        at = ("jsonnet_library_paths", i)
        folder = os.path.normpath(os.path.join(scope.root, entry))
        refusal = scope.refusal(folder)
        if os.path.isabs(entry):
            problems.append(doc.diagnostic(at, f"{entry!r} is an absolute path", hint))
        elif folder == scope.root:
            problems.append(doc.diagnostic(at, f"{entry!r} is the specs folder itself", hint))
        elif refusal:
            problems.append(doc.diagnostic(at, f"{entry!r} {refusal}",
                                           FOLDER_HINTS[refusal]))
        elif not os.path.isdir(folder):
            problems.append(doc.diagnostic(at, f"no folder {lexical_name(folder)}",
                                           "create it (e.g. jb install) or remove the entry"))
        elif _inside(os.path.abspath(settings_path), folder):
            problems.append(doc.diagnostic(
                at, f"{entry!r} holds this Settings file",
                "files in a library folder are not specs: keep the Settings outside it"))
        else:
            folders.append(folder)
    return tuple(folders), problems


def _settings_path_problems(doc: Document, scope: ReadScope) -> list[Diagnostic]:
    """runbook_templates must stay inside the specs folder; jsonnet_library_paths must come
    from a YAML Settings document (Jsonnet is evaluated with those folders)."""
    problems: list[Diagnostic] = []
    templates = doc.data.get("runbook_templates")
    if isinstance(templates, str) and templates:
        hint = "name a folder inside the specs folder, relative to this file"
        folder = Path(doc.file).parent / templates
        refusal = scope.refusal(folder)
        if os.path.isabs(templates):
            problems.append(doc.diagnostic(("runbook_templates",),
                                           f"{templates!r} is an absolute path", hint))
        elif refusal:
            problems.append(doc.diagnostic(("runbook_templates",), f"{templates!r} {refusal}",
                                           FOLDER_HINTS[refusal]))
    if doc.file.endswith(".jsonnet") and doc.data.get("jsonnet_library_paths"):
        problems.append(doc.diagnostic(
            ("jsonnet_library_paths",), "set in a Jsonnet Settings document",
            "set it in a YAML Settings document: every Jsonnet file is evaluated with these "
            "folders, so they must be known before any Jsonnet runs"))
    return problems
