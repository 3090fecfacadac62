"""The `obsgen` command: a thin layer over `obsgen.api`.

Exit codes (stable, documented in the README):
    0  success (`diff`: also when the specs differ)
    1  `check`: generated/ is stale; `lint`: a finding (a warning too, with --strict)
    2  invalid specs (every problem printed, nothing written)
    3  environment: missing folder or tool, a file obsgen will not overwrite, a link it will
       not follow, a file it cannot read or write
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from obsgen import __version__
from obsgen.errors import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_STALE,
    EnvironmentProblem,
    ObsgenError,
    SpecError,
)


def _validate(args: argparse.Namespace) -> int:
    from obsgen import api

    count = api.validate_specs(args.specs)
    print(f"{args.specs}: {count} documents valid")
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    from obsgen import api

    outcome = api.generate(args.specs, args.out, args.templates, _jobs(args))
    for path in outcome.written:
        print(f"wrote   {args.out / path}")
    for path in outcome.removed:
        print(f"removed {args.out / path}")
    print(
        f"{args.out}: {len(outcome.written)} written, {len(outcome.removed)} removed, "
        f"{len(outcome.unchanged)} unchanged"
    )
    return EXIT_OK


def _jobs(args: argparse.Namespace) -> int:
    """--jobs, else the cores this process may run on (a container's share, not the host's)."""
    jobs: int | None = args.jobs
    if jobs is not None:
        return jobs
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return len(cores) if cores else os.cpu_count() or 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _check(args: argparse.Namespace) -> int:
    from obsgen import api

    lines = api.check(args.specs, args.out, args.templates, _jobs(args))
    if not lines:
        print(f"{args.out}: up to date with {args.specs}")
        return EXIT_OK
    print("\n".join(lines))
    print(
        f"{args.out} is stale: run `make generate` (or `obsgen generate`) and commit the result",
        file=sys.stderr,
    )
    return EXIT_STALE


def lint_specs(args: argparse.Namespace) -> Path | None:
    """The specs folder the semantic checks read: --specs, else a `specs` folder next to the
    output folder (generated/ and specs/ side by side, as in this repository), else none."""
    if args.specs is not None:
        return Path(args.specs)
    beside = Path(args.out).parent / "specs"
    return beside if beside.is_dir() else None


def _lint(args: argparse.Namespace) -> int:
    from obsgen import api
    from obsgen.lint import lint

    if not args.out.is_dir():
        raise EnvironmentProblem(f"{args.out}: no such folder — run `obsgen generate` first")
    from obsgen.lint.progress import printer

    specs = lint_specs(args)
    shown = printer(sys.stderr, args.progress)
    try:
        report = lint(args.out, project=api.project(specs) if specs else None, progress=shown)
    finally:
        if shown is not None:
            shown.close()
    if specs is None:
        print(f"no specs folder beside {args.out}: semantic checks skipped (pass --specs DIR)",
              file=sys.stderr)
    for finding in report.findings:
        print(finding.format())
    errors = report.errors(args.strict)
    count = {lv: sum(f.level == lv for f in report.findings) for lv in ("error", "warning")}
    warnings = count["warning"]
    print(f"{args.out}: {report.files} files linted, {count['error']} errors, "
          f"{warnings} warnings{' (errors under --strict)' if args.strict and warnings else ''}",
          file=sys.stderr)
    if report.missing_tools:
        return EXIT_ENVIRONMENT
    return EXIT_FINDINGS if errors else EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from obsgen import api
    from obsgen.proof.explain import (
        available,
        bands,
        budgets,
        explain,
        explain_alert,
        find,
        find_alert,
    )

    project = api.project(args.specs)
    if args.all:
        sys.stdout.write(bands(project))
        return EXIT_OK
    if args.budgets:
        sys.stdout.write(budgets(project))
        return EXIT_OK
    slo = find(project, args.slo)
    if slo is None:
        alert = find_alert(project, args.slo)
        if alert is not None:
            sys.stdout.write(explain_alert(project, alert))
            return EXIT_OK
        raise EnvironmentProblem(
            f"no SLO or plain alert {args.slo!r} in {args.specs} — one of: "
            f"{', '.join(available(project))}, or a plain alert as <service>/<AlertName>")
    sys.stdout.write(explain(slo, project))
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from obsgen.review import compare, render, sources

    head = sources.compile_side(args.specs, sources.folder_name(args.specs))
    if args.base_specs is not None:
        base = sources.compile_side(args.base_specs, sources.folder_name(args.specs))
        base_name = str(args.base_specs)
    else:
        base, base_name = sources.compile_revision(args.specs, args.base), args.base
    report = compare(base, head, base_name=base_name, head_name=str(args.specs))
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render(report, args.format, colour=colour))
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from obsgen.spec.schema import schema_text

    text = schema_text()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="obsgen",
        description="Compile service specs into Prometheus rules and the rest of the "
        "observability configuration.",
        epilog="exit codes: 0 ok, 1 stale output (check) or lint findings, 2 invalid specs, "
        "3 environment problem (missing folder or tool)",
    )
    top.add_argument("--version", action="version", version=f"obsgen {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands: dict[str, tuple[str, Callable[[argparse.Namespace], int]]] = {
        "validate": ("check the specs; write nothing", _validate),
        "generate": ("compile the specs into the output folder", _generate),
        "check": ("exit 1 with a diff when the output folder is stale", _check),
        "lint": ("check the output folder with promtool, amtool, blackbox_exporter and "
                 "obsgen's own rules", _lint),
        "explain": ("print each alert tier's windows, simulated timings and the burns that "
                    "never alert", _explain),
        "diff": ("what a change of the specs does: alerts, SLO timings, receivers, "
                 "dashboards, probes, runbooks (exit 0 even with changes)", _diff),
        "schema": ("print the JSON Schema of spec v1 (for editors)", _schema),
    }
    for name, (help_text, func) in commands.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.set_defaults(func=func)
        if name == "schema":
            cmd.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
            continue
        if name == "explain":
            which = cmd.add_mutually_exclusive_group(required=True)
            which.add_argument("slo", metavar="SERVICE/SLO", nargs="?",
                               help="e.g. edge/login-availability, or a plain alert: "
                               "trading-engine/CircuitBreakerTriggered")
            which.add_argument("--all", action="store_true",
                               help="every SLO's band of steady burns that never alert")
            which.add_argument("--budgets", action="store_true",
                               help="every alert under a notification-time budget "
                               "(notify_within): its worst case, term by term")
        if name == "diff":
            side = cmd.add_mutually_exclusive_group(required=True)
            side.add_argument("--base", metavar="REF",
                              help="the specs at this git revision (read with git archive; "
                              "the working tree is not touched)")
            side.add_argument("--base-specs", type=Path, metavar="DIR",
                              help="the base side as a specs folder")
            cmd.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                             help="text (colour on a terminal, never with NO_COLOR), markdown "
                             "for a pull-request comment, json for tools (default: text)")
        if name == "lint":
            cmd.add_argument("--strict", action="store_true",
                             help="warnings (e.g. an alert without tests) fail the run too")
            cmd.add_argument("--progress", action="store_true",
                             help="print progress to stderr also when it is not a terminal "
                             "(on a terminal it is always shown)")
        cmd.add_argument(
            "--specs",
            type=Path,
            default=None if name == "lint" else Path("specs"),
            help="folder of spec files, for the semantic checks (default: the specs folder "
            "beside --out, if there is one)" if name == "lint"
            else "folder of spec files (default: specs)",
        )
        if name in ("generate", "check"):
            cmd.add_argument(
                "--templates",
                type=Path,
                default=None,
                help="folder of runbook templates overriding the defaults by file name "
                "(default: Settings.runbook_templates, else obsgen's own)",
            )
            cmd.add_argument(
                "--jobs", "-j", type=_positive, default=None, metavar="N",
                help="processes to compile on (default: one per core); the output is the "
                "same bytes whatever N",
            )
        if name not in ("validate", "explain", "diff"):
            cmd.add_argument(
                "--out",
                type=Path,
                default=Path("generated"),
                help="output folder (default: generated)",
            )
    return top


def _os_problem(exc: OSError) -> str:
    where = f"{os.fsdecode(exc.filename)}: " if exc.filename is not None else ""
    return f"{where}{exc.strerror or exc} — fix that (permissions, free space), then run again"


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        count = len(exc.diagnostics)
        print(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was written",
            file=sys.stderr,
        )
        return exc.exit_code
    except ObsgenError as exc:
        print(f"obsgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the file system refused: one line, no traceback
        print(f"obsgen: {_os_problem(exc)}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        print("obsgen: interrupted; nothing was changed", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
