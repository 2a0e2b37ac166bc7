"""Progress of long work: a rich bar with counts and time left on a terminal, a plain line every
few seconds when the output is a file or a pipe (a service's log, CI), nothing at all for --json.

Progress goes to stderr, so stdout carries only the command's result. Work reports through a
`Task` (`advance`, `update`), which may be called from a worker thread (SQLite's backup runs in
aiosqlite's).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # rich is imported when a bar is drawn: `minqing run` never needs it
    from rich.console import Console
    from rich.progress import Progress as RichProgress

PLAIN_EVERY = 5.0  # seconds between plain progress lines


class Task(Protocol):
    """One piece of work being counted."""

    def advance(self, steps: int = 1) -> None:
        """Count steps done."""

    def update(self, done: int, total: int | None = None) -> None:
        """Say how much is done (and, when it becomes known, of how much)."""


class Progress(Protocol):
    """Where tasks report; one per command."""

    def task(self, description: str, total: int | None) -> AbstractContextManager[Task]:
        """A context in which one task is counted; it is shown as finished when it ends."""


class _SilentTask:
    def advance(self, steps: int = 1) -> None:
        """Count nothing."""

    def update(self, done: int, total: int | None = None) -> None:
        """Count nothing."""


class Silent:
    """No progress at all (--json, or when asked to be quiet)."""

    @contextmanager
    def task(self, description: str, total: int | None) -> Iterator[Task]:
        """A task nobody hears of."""
        yield _SilentTask()


class _PlainTask:
    def __init__(self, owner: Plain, description: str, total: int | None) -> None:
        self.owner, self.description, self.total = owner, description, total
        self.done = 0
        self.started = owner.clock()
        self.last_line = self.started
        self.lock = threading.Lock()

    def advance(self, steps: int = 1) -> None:
        """Count steps done; a line if the last one is old enough."""
        with self.lock:
            self.done += steps
            self._maybe_line()

    def update(self, done: int, total: int | None = None) -> None:
        """Set the count; a line if the last one is old enough."""
        with self.lock:
            self.done = done
            if total is not None:
                self.total = total
            self._maybe_line()

    def _maybe_line(self) -> None:
        now = self.owner.clock()
        if now - self.last_line >= self.owner.every:
            self.last_line = now
            self.owner.line(f"{self.description}: {self._count()}{self._left(now)}")

    def _count(self) -> str:
        if not self.total:
            return f"{self.done}"
        return f"{self.done}/{self.total} ({self.done / self.total:.0%})"

    def _left(self, now: float) -> str:
        elapsed = now - self.started
        if not self.total or self.done <= 0 or self.done >= self.total:
            return f", {elapsed:.0f} s"
        left = elapsed * (self.total - self.done) / self.done
        return f", {elapsed:.0f} s, about {left:.0f} s left"

    def finish(self) -> None:
        with self.lock:
            elapsed = self.owner.clock() - self.started
            count = f"{self.done}/{self.total}" if self.total else f"{self.done}"
            self.owner.line(f"{self.description}: {count} done in {elapsed:.1f} s")


class Plain:
    """Plain lines for a file or a pipe: when a task starts, every `every` seconds, and at its
    end, each with the count, the share done and the time left."""

    def __init__(
        self,
        stream: IO[str] | None = None,
        every: float = PLAIN_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.every, self.clock = every, clock

    def line(self, text: str) -> None:
        """Write one line at once."""
        self.stream.write(text + "\n")
        self.stream.flush()

    @contextmanager
    def task(self, description: str, total: int | None) -> Iterator[Task]:
        """A task announced, counted in lines, and reported done."""
        task = _PlainTask(self, description, total)
        self.line(f"{description}: {task._count()}")
        yield task
        task.finish()


class _BarTask:
    def __init__(self, bar: RichProgress, description: str, total: int | None) -> None:
        self.bar = bar
        self.id = bar.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        """Move the bar on."""
        self.bar.advance(self.id, steps)

    def update(self, done: int, total: int | None = None) -> None:
        """Set the bar."""
        if total is not None:
            self.bar.update(self.id, completed=done, total=total)
        else:
            self.bar.update(self.id, completed=done)


class Bar:
    """A rich progress bar per task on the terminal: description, bar, count, share, time
    elapsed and time left."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console

        self.console = console if console is not None else Console(stderr=True)

    @contextmanager
    def task(self, description: str, total: int | None) -> Iterator[Task]:
        """A bar for the task's life, left on the screen when it is done."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
        )
        with RichProgress(*columns, console=self.console) as bar:
            task = _BarTask(bar, description, total)
            yield task
            final = bar.tasks[0]
            if final.total is not None:
                bar.update(task.id, completed=final.total)


def progress_for(silent: bool = False, stream: IO[str] | None = None) -> Progress:
    """Silent for --json, a bar on a terminal, plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    if silent:
        return Silent()
    if out.isatty():
        from rich.console import Console

        return Bar(Console(file=out))
    return Plain(out)
