"""`make bench`: figures, not assertions.

1. Compile a synthetic fleet of 1,000 services x 5 SLOs (one spec file each) with
   `obsgen generate`, in a fresh process: wall time, peak memory (max RSS), output size.
   Then the same fleet stage by stage (`benchmarks/stages.py`: load, validate, build, each
   target), in a fresh process.
2. `obsgen validate` on the repository's specs/, process start included (what a user waits).

Targets on the 2-core reference machine: the fleet in <= 5 s and <= 500 MB; validating the
examples in <= 0.5 s.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES, SLOS = 1000, 5


def fleet_spec(i: int) -> str:
    name = f"svc-{i:04d}"
    slos = []
    for j in range(SLOS):
        if j % 2 == 0:
            sli = (
                f"      ratio:\n"
                f'        errors: http_requests_total{{service="{name}",code=~"5.."}}\n'
                f'        total: http_requests_total{{service="{name}"}}\n'
            )
        else:
            sli = (
                f"      latency:\n        histogram: http_request_duration_seconds\n"
                f"        selector: '{{service=\"{name}\"}}'\n        threshold: 0.{j}\n"
            )
        group = "    group_by: [route]\n" if j == 1 else ""
        slos.append(
            f"  - name: slo-{j}\n    objective: 99.{j + 1}\n    window: {(30, 28, 7)[j % 3]}d\n"
            f"{group}    sli:\n{sli}"
        )
    return (
        f"apiVersion: obsgen/v1\nkind: Service\nmetadata:\n  name: {name}\n  team: team-{i % 40}\n"
        f"slos:\n{''.join(slos)}alerts:\n  - name: Svc{i:04d}Down\n"
        f'    expr: up{{job="{name}"}} == 0\n    for: 5m\n    severity: page\n'
        f"    summary: {name} is down.\n"
    )


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and max RSS (MB) of one obsgen process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "obsgen", *args], check=True, capture_output=True, cwd=ROOT
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(after, before) / 1024


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def stages(specs: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks/stages.py"), str(specs)],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    print(f"fleet {done.stdout.strip()}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        specs, out = Path(tmp) / "specs", Path(tmp) / "out"
        specs.mkdir()
        for i in range(SERVICES):
            (specs / f"svc-{i:04d}.yaml").write_text(fleet_spec(i))
        times = []
        for _ in range(3):
            shutil.rmtree(out, ignore_errors=True)
            wall, rss = run(["generate", "--specs", str(specs), "--out", str(out)])
            times.append(wall)
        count, size = tree_size(out)
        rules = sum(p.read_text().count("\n      - ") for p in out.rglob("*.rules.yaml"))
        print(
            f"fleet: {SERVICES} services x {SLOS} SLOs -> {count} files, {size / 1e6:.1f} MB, "
            f"~{rules} rules"
        )
        print(
            f"fleet generate: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
            f"(target <= 5 s); peak RSS {rss:.0f} MB (target <= 500 MB)"
        )
        wall, _ = run(["check", "--specs", str(specs), "--out", str(out)])
        print(f"fleet check (nothing stale): {wall:.2f} s")
        stages(specs)
    times = [run(["validate", "--specs", "specs"])[0] for _ in range(5)]
    print(
        f"validate specs/ (process start included): best {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s (target <= 0.5 s)"
    )
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
