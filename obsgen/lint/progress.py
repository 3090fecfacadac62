"""Progress of a long `obsgen lint` on stderr: tool runs done of all, the slowest so far.

On a terminal one line is rewritten in place (`\\r`, at most ten times a second) and erased at
the end, so the findings and the summary read as without it. Elsewhere (`--progress` in a CI
log) a plain line is printed at most every `every_s` seconds, and at the last run, so a log
shows that the run is alive without a line per file.

    lint: 12/40 tool runs, slowest generated/prometheus/tests/edge.test.yaml 41.2s
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO


class Printer:
    """A `lint.Progress` callback that writes to `stream`."""

    def __init__(self, stream: TextIO, *, terminal: bool, every_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.terminal = terminal
        self.every_s = 0.1 if terminal else every_s
        self.clock = clock
        self.slowest: tuple[float, str] = (0.0, "")
        self._last = float("-inf")
        self._width = 0

    def __call__(self, done: int, total: int, file: str, seconds: float) -> None:
        if seconds >= self.slowest[0]:
            self.slowest = (seconds, file)
        now = self.clock()
        if done < total and now - self._last < self.every_s:
            return
        self._last = now
        line = self.line(done, total)
        if self.terminal:
            pad = " " * max(0, self._width - len(line))
            self.stream.write(f"\r{line}{pad}")
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def line(self, done: int, total: int) -> str:
        seconds, file = self.slowest
        slowest = f", slowest {file} {seconds:.1f}s" if file else ""
        return f"lint: {done}/{total} tool runs{slowest}"

    def close(self) -> None:
        """Erase the terminal line (the summary that follows says how the run went)."""
        if self.terminal and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def printer(stream: TextIO, forced: bool) -> Printer | None:
    """The printer `obsgen lint` uses: on a terminal, or anywhere with `--progress`; None
    (quiet) otherwise."""
    terminal = stream.isatty()
    if not (terminal or forced):
        return None
    return Printer(stream, terminal=terminal)
