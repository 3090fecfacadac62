"""Jsonnet spec files: evaluated with the `jsonnet` package, then validated like YAML.

Evaluation output has no useful positions, so validation errors in a Jsonnet file point at
its first line; Jsonnet's own errors keep the line and column Jsonnet reports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from obsgen.errors import Diagnostic
from obsgen.spec.loader import Document

_JSONNET_LOCATION = re.compile(
    r"(?P<file>[^\s:]+\.(?:jsonnet|libsonnet)):(?P<line>\d+):(?P<col>\d+)"
)


def load_jsonnet(path: Path, shown: str, source: str) -> tuple[list[Document], list[Diagnostic]]:
    import _jsonnet  # lazy: most runs have no Jsonnet and the import is not free

    try:
        output = _jsonnet.evaluate_file(str(path))
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
                "fix the Jsonnet at this position",
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
