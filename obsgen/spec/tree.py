"""Load a whole specs folder: YAML first (the Settings document names the Jsonnet library
folders), then Jsonnet, each file read only through the folder's `ReadScope`, and check the
paths the Settings document names (library folders, runbook templates) stay inside it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from obsgen.errors import Diagnostic
from obsgen.spec.loader import Document, load_file
from obsgen.spec.scope import (
    _SCOPES,
    FOLDER_HINTS,
    REFUSAL_HINTS,
    ReadScope,
    _inside,
    _refuse_linked_folder,
    lexical_name,
    unreadable,
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
