"""Jsonnet spec files: evaluated with the `jsonnet` package, then validated like YAML.

Evaluation output has no useful positions, so validation errors in a Jsonnet file point at
its first line; Jsonnet's own errors keep the line and column Jsonnet reports.

Jsonnet is untrusted input (docs/security.md): `evaluate_confined` gives it an import callback
that reads only inside the specs folder and its library folders (`ReadScope`), and no
external variables (std.extVar fails for every name: no environment leaks in).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from obsgen.errors import Diagnostic, EnvironmentProblem
from obsgen.spec.loader import Document
from obsgen.spec.scope import OUTSIDE, REFUSAL_HINTS, ReadScope, lexical_name, unreadable

_JSONNET_LOCATION = re.compile(
    r"(?P<file>[^\s:]+\.(?:jsonnet|libsonnet)):(?P<line>\d+):(?P<col>\d+)"
)


def load_jsonnet(
    path: Path, shown: str, source: str, scope: ReadScope | None = None
) -> tuple[list[Document], list[Diagnostic]]:
    """`scope`: where imports may be read (default: the file's own folder)."""
    try:
        output = evaluate_confined(path, scope or ReadScope.of(path.parent))
    except ImportRefused as exc:
        where = shown if exc.file in ("", str(path)) else lexical_name(exc.file)
        return [], [Diagnostic(where, exc.line, exc.col, "", exc.message, exc.hint)]
    except RuntimeError as exc:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else "evaluation failed"
        match = _JSONNET_LOCATION.search(text)
        line, col = (int(match["line"]), int(match["col"])) if match else (1, 1)
        message = re.sub(r"\S+\.(?:jsonnet|libsonnet):[\d:()\-]+:?\s*", "", first).strip()
        return [], [
            Diagnostic(
                shown,
                line,
                col,
                "",
                f"Jsonnet error: {message}",
                EXT_VAR_HINT if "undefined external variable" in message
                else "fix the Jsonnet at this position",
            )
        ]
    data = json.loads(output)
    items = data if isinstance(data, list) else [data]
    docs = [Document(shown, source, i, item) for i, item in enumerate(items)]
    if not docs:
        return [], [
            Diagnostic(
                shown,
                1,
                1,
                "",
                "the file evaluates to an empty list",
                "return a document or a list of documents",
            )
        ]
    return docs, []


EXT_VAR_HINT = ("obsgen declares no external variables: write the value in the spec, or import "
                "it from a file in the specs folder")
_TRACE = re.compile(
    r"^\s*(?P<file>.+?):(?:\((?P<mline>\d+):(?P<mcol>\d+)\)|(?P<line>\d+):(?P<col>\d+))"
)
_FORM = re.compile(r"import(?:str|bin)?")


class ImportRefused(Exception):
    """A Jsonnet import obsgen would not read, at the position of the import expression."""

    def __init__(self, file: str, line: int, col: int, message: str, hint: str) -> None:
        super().__init__(f"{file}:{line}:{col}: {message}")
        self.file, self.line, self.col, self.message, self.hint = file, line, col, message, hint


class Importer:
    """The import callback of one evaluation (`import`, `importstr` and `importbin` all come
    here): a path relative to the importing file, else to each library folder, first match
    wins; an absolute path, a `..` out of the specs folder, a link leading out of it or a
    hidden file is refused before anything is read."""

    def __init__(self, scope: ReadScope) -> None:
        self.scope = scope
        self.refused: tuple[str, str, str] | None = None
        """(path as written, what is wrong, how to fix it) of the refused import."""
        self.problem: EnvironmentProblem | None = None
        self.texts: dict[str, str] = {}
        """Every file read, by the name Jsonnet's messages use: to name an import's form."""

    def __call__(self, folder: str, rel: str) -> tuple[str, bytes]:
        if os.path.isabs(rel):
            self._refuse(rel, "is an absolute path",
                         "import by a path relative to the importing file, inside the specs "
                         "folder (library folders: Settings.jsonnet_library_paths)")
        for base in (folder, *self.scope.libraries):
            candidate = os.path.normpath(os.path.join(base, rel))
            refusal = self.scope.refusal(candidate)
            if refusal == OUTSIDE:
                self._refuse(rel, refusal, REFUSAL_HINTS[refusal])
            if not os.path.lexists(candidate):
                continue
            if refusal:
                self._refuse(rel, refusal, REFUSAL_HINTS[refusal])
            if not os.path.isfile(candidate):
                self._refuse(rel, "is not a file", "import a file")
            try:
                data = self.scope.read(candidate)
            except OSError as exc:
                self.problem = unreadable(candidate, exc)
                raise RuntimeError(str(self.problem)) from None
            self.texts[candidate] = data.decode("utf-8", "replace")
            return candidate, data
        self._refuse(rel, "is not found beside the importing file or in a library folder",
                     "check the path (library folders: Settings.jsonnet_library_paths)")
        raise AssertionError("unreachable")  # pragma: no cover

    def _refuse(self, rel: str, what: str, hint: str) -> None:
        self.refused = (rel, what, hint)
        raise RuntimeError(f"{rel} {what}")

    def failure(self, error: str) -> ImportRefused | None:
        """The refused import behind Jsonnet's `error`, located at the import expression."""
        if self.refused is None:
            return None
        rel, what, hint = self.refused
        lines = error.strip().splitlines()
        match = _TRACE.match(lines[1]) if len(lines) > 1 else None
        if match is None:
            return ImportRefused("", 1, 1, f'import "{rel}" {what}', hint)
        line = int(match["line"] or match["mline"])
        col = int(match["col"] or match["mcol"])
        source = self.texts.get(match["file"], "").splitlines()
        here = source[line - 1][col - 1:] if 0 < line <= len(source) else ""
        form = _FORM.match(here)
        return ImportRefused(match["file"], line, col,
                             f'{form.group() if form else "import"} "{rel}" {what}', hint)


def evaluate_confined(path: Path, scope: ReadScope) -> str:
    """The JSON the Jsonnet file `path` evaluates to, reading nothing `scope` does not allow
    and with no external variables. Raises ImportRefused for a refused import,
    EnvironmentProblem for a file that cannot be read, RuntimeError for other Jsonnet errors."""
    import _jsonnet  # lazy: most runs have no Jsonnet and the import is not free

    importer = Importer(scope)
    try:
        text = scope.read(path).decode("utf-8", "replace")
    except OSError as exc:
        raise unreadable(path, exc) from None
    importer.texts[str(path)] = text
    try:
        return str(_jsonnet.evaluate_snippet(str(path), text, import_callback=importer))
    except RuntimeError as exc:
        if importer.problem is not None:
            raise importer.problem from None
        refused = importer.failure(str(exc))
        if refused is not None:
            raise refused from None
        raise
