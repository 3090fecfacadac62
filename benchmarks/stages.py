"""Where a compile spends its time, stage by stage: `python benchmarks/stages.py SPECS`.

Run by `make bench` in a fresh process (caches start empty) on the synthetic fleet; the
figures to look at first when the totals regress. Emit (writing the files) is not included.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from obsgen import api
from obsgen.build.project import build
from obsgen.spec.validate import validate
from obsgen.targets import TARGETS, renderer


def main(specs_dir: Path) -> str:
    marks: list[str] = []
    start = time.perf_counter()

    def mark(name: str, detail: str = "") -> None:
        nonlocal start
        now = time.perf_counter()
        marks.append(f"{name} {now - start:.2f} s{detail}")
        start = now

    documents = api.load(specs_dir)
    mark("load")
    specs, problems = validate(documents)
    assert not problems, problems
    mark("validate")
    project = build(specs)
    mark("build")
    for name in TARGETS:
        out = renderer(name)(project)
        mark(name, f" ({sum(map(len, out.values())) / 1e6:.1f} MB)")
    return "stages: " + ", ".join(marks)


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
