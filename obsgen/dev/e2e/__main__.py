"""`python -m obsgen.dev.e2e [--specs DIR] [--scenario FILE]`: compile the specs, run the
stack, print the delivery table; exit 1 when a promised delivery failed, 3 when a tool is
missing."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from obsgen import api
from obsgen.dev.e2e import verify
from obsgen.dev.e2e.run import Tools, run

NAMES = {"prometheus": ("prometheus",), "alertmanager": ("alertmanager", "prometheus-alertmanager"),
         "blackbox_exporter": ("blackbox_exporter", "prometheus-blackbox-exporter")}


def tools() -> Tools | str:
    """The installed tools, or what is missing."""
    found = {key: next((p for n in names if (p := shutil.which(n))), None)
             for key, names in NAMES.items()}
    lost = [names[0] for key, names in NAMES.items() if found[key] is None]
    if lost:
        return f"{', '.join(lost)} not found — install them with: apt-get install " \
               "--no-install-recommends prometheus prometheus-alertmanager " \
               "prometheus-blackbox-exporter (or run `make tools` as root)"
    return Tools(**{k: str(v) for k, v in found.items()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m obsgen.dev.e2e", description=__doc__)
    parser.add_argument("--specs", type=Path, default=Path("tests/e2e/specs"))
    parser.add_argument("--scenario", type=Path, default=Path("tests/e2e/scenario.yaml"))
    args = parser.parse_args(argv)
    found = tools()
    if isinstance(found, str):
        print(found, file=sys.stderr)
        return 3
    with tempfile.TemporaryDirectory(prefix="obsgen-e2e-") as tmp:
        out, work = Path(tmp) / "generated", Path(tmp) / "run"
        work.mkdir()
        api.generate(args.specs, out)
        result = run(out, args.scenario, work, found,
                     worst=verify.worst_cases(api.project(args.specs)))
        print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
