"""`make bench`: figures, not assertions (nothing fails when they regress).

1. Compile the synthetic fleet (`benchmarks/fleet.py`: 1,000 services x 5 SLOs, one spec file
   each, many distinct SLO shapes) with `obsgen generate`, three times, each in a fresh
   process, into an empty folder: wall time, CPU seconds, peak memory (max RSS of one
   process), output size; then once more over its own output (nothing changes: the
   everyday case). `obsgen check` of the result. Then the same fleet stage by stage
   (`benchmarks/stages.py`: load, validate, build, each target), in one fresh process.
2. `obsgen lint` (promtool included) over a slice of the fleet, the first LINT_SERVICES
   services: wall time and CPU seconds of the whole process tree per SLO. These hold the
   fleet's first full proofs: the worst case. Then the fleet's average: `promtool test
   rules` over every test file of SAMPLE_SERVICES services from the middle of the
   generated fleet, where most SLOs are look-alikes proven by their wiring.
3. `obsgen validate` on the repository's specs/, process start included (what a user waits).

Goals (issue 16) on the 2-core reference machine: generate <= 5 s, <= 500 MB peak RSS, a
tree <= 80 MB; check <= 5 s; lint <= 0.25 CPU s per SLO; validate of specs/ <= 0.5 s.
`python benchmarks/bench.py --lint-services N` lints N services instead (0: no lint).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fleet  # benchmarks/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
SERVICES, SLOS = 1000, 5
LINT_SERVICES = 5  # the lint slice: 25 SLOs (the fleet's first, where each shape is proven in full)
SAMPLE_SERVICES = range(500, 510)  # the fleet's middle, for the average cost of its proofs


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], check: bool = True) -> tuple[float, float, float]:
    """Wall seconds, max RSS (MB) so far and CPU seconds (process tree) of one obsgen run."""
    cpu = cpu_children()
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "obsgen", *args], check=check, capture_output=True, cwd=ROOT
    )
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, rss, cpu_children() - cpu


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def stages(specs: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks/stages.py"), str(specs)],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    print(f"fleet {done.stdout.strip()}")


def whole_fleet(tmp: Path) -> None:
    specs, out = tmp / "specs", tmp / "out"
    specs.mkdir()
    shapes = fleet.write(specs, SERVICES, SLOS)
    print(
        f"fleet: {SERVICES} services x {SLOS} SLOs, {len(set(shapes))} distinct SLO shapes "
        f"(objective x window x policy x SLI kind x groups), {len(fleet.TEAMS)} teams"
    )
    times = []
    for _ in range(3):
        shutil.rmtree(out, ignore_errors=True)
        wall, rss, _ = run(["generate", "--specs", str(specs), "--out", str(out)])
        times.append(wall)
    print(
        f"fleet generate: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
        "(goal <= 5 s)"
    )
    print(f"fleet generate peak RSS: {rss:.0f} MB (goal <= 500 MB)")
    wall, _, cpu = run(["generate", "--specs", str(specs), "--out", str(out)])
    print(f"fleet regenerate (nothing changed): {wall:.2f} s, {cpu:.1f} CPU s")
    count, size = tree_size(out)
    rules = sum(p.read_text().count("\n      - ") for p in out.rglob("*.rules.yaml"))
    print(f"fleet tree: {size / 1e6:.1f} MB (goal <= 80 MB), {count} files, ~{rules} rules")
    wired = sum(p.read_text().count("wiring (the rules are")
                for p in out.glob("prometheus/tests/**/*.yaml"))
    print(f"fleet proofs: {SERVICES * SLOS - wired} SLOs proven in full, {wired} look-alikes "
          "by their wiring")
    wall, _, _ = run(["check", "--specs", str(specs), "--out", str(out)])
    print(f"fleet check (nothing stale): {wall:.2f} s (goal <= 5 s)")
    stages(specs)
    if shutil.which("promtool"):
        sample_proofs(out)


def sample_proofs(out: Path) -> None:
    """promtool over the test files of SAMPLE_SERVICES, each run where its file is (test
    files name their rule files relative to themselves): CPU seconds per SLO."""
    tests = out / "prometheus/tests"
    files = [p for name in (f"svc-{i:04d}" for i in SAMPLE_SERVICES)
             for p in sorted([*tests.glob(f"{name}.*yaml"), *tests.glob(f"{name}/*.yaml")])]
    cpu, failed = cpu_children(), 0
    for path in files:
        done = subprocess.run(["promtool", "test", "rules", path.name], cwd=path.parent,
                              capture_output=True, check=False)
        failed += done.returncode != 0
    cpu = cpu_children() - cpu
    slos = len(SAMPLE_SERVICES) * SLOS
    print(f"fleet proofs, services {SAMPLE_SERVICES.start}-{SAMPLE_SERVICES.stop - 1} "
          f"({slos} SLOs, {len(files)} test files, {failed} failing): {cpu:.1f} CPU s of promtool, "
          f"{cpu / slos:.2f} CPU s per SLO (goal <= 0.25)")


def lint_slice(tmp: Path, services: int) -> None:
    specs, out = tmp / "slice-specs", tmp / "slice-out"
    specs.mkdir()
    fleet.write(specs, services, SLOS)  # the same seed: the fleet's first services
    run(["generate", "--specs", str(specs), "--out", str(out)])
    tests = len(list((out / "prometheus/tests").rglob("*.test.yaml")))
    wall, _, cpu = run(["lint", "--specs", str(specs), "--out", str(out)], check=False)
    slos = services * SLOS
    print(
        f"lint slice: {services} services, {slos} SLOs, {tests} promtool test files: "
        f"{wall:.1f} s wall, {cpu:.1f} CPU s, {cpu / slos:.2f} CPU s per SLO (goal <= 0.25)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lint-services", type=int, default=LINT_SERVICES)
    lint_services = parser.parse_args().lint_services
    with tempfile.TemporaryDirectory() as tmp:
        whole_fleet(Path(tmp))
        if lint_services:
            lint_slice(Path(tmp), lint_services)
    times = [run(["validate", "--specs", "specs"])[0] for _ in range(5)]
    print(
        f"validate specs/ (process start included): best {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s (goal <= 0.5 s)"
    )
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
