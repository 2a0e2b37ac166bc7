"""A CPU quota per process for the workers bench: each worker as if on a small machine of its own.

Uses the cgroup v1 cpu controller (/sys/fs/cgroup/cpu, writable when running as root): one group
per process, named minqing-bench-<bench pid>-<n>, with cpu.cfs_quota_us = cpus x the period.

Invariants:
- `Quotas.open` either returns a working Quotas or None and a one-line reason (no controller, not
  writable, cgroup v2 only); a benchmark then runs without quotas: it never fails for this.
- Every group made is removed by `close` (processes still in it are moved back to the parent
  first), also when the run failed; `close` never raises, it returns what it could not remove.
- A process is put in a group of its own once (`place`); a process started later (a worker the
  supervisor restarts) gets its own new group when `place` sees it (the bench's watcher polls).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CPU_ROOT = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000


def quota_us(cpus: float, period_us: int = PERIOD_US) -> int:
    """The cfs quota that gives `cpus` cores per period (the kernel's minimum is 1000 µs)."""
    if not cpus > 0:
        raise ValueError(f"a CPU quota must be positive, not {cpus}")
    return max(1000, round(cpus * period_us))


def children(pid: int) -> list[int]:
    """The live child processes of pid (/proc/<pid>/task/*/children), in pid order."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return sorted(found)


class Quotas:
    """The groups one bench run made under `root`, one per placed process."""

    def __init__(self, root: Path, cpus: float) -> None:
        self.root, self.cpus = root, cpus
        self.groups: dict[int, Path] = {}  # pid -> its group
        self._made = 0

    @classmethod
    def open(cls, cpus: float, root: Path = CPU_ROOT) -> tuple[Quotas | None, str]:
        """Quotas of `cpus` cores each under root, or None and why they cannot be had here."""
        quota_us(cpus)
        if not (root / "cpu.cfs_quota_us").exists():
            return None, f"no cgroup v1 cpu controller at {root}"
        quotas = cls(root, cpus)
        try:
            probe = quotas._make()
        except OSError as e:
            return None, f"cgroups at {root} not writable ({e.strerror or e})"
        with contextlib.suppress(OSError):
            probe.rmdir()
        return quotas, ""

    def _make(self) -> Path:
        """A new group with the quota."""
        self._made += 1
        group = self.root / f"minqing-bench-{os.getpid()}-{self._made}"
        group.mkdir()
        try:
            (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (group / "cpu.cfs_quota_us").write_text(str(quota_us(self.cpus)))
        except OSError:
            group.rmdir()
            raise
        return group

    def place(self, pids: list[int]) -> list[int]:
        """Put each pid not placed yet in a group of its own; returns those newly placed (a pid
        that is already gone is skipped)."""
        placed = []
        for pid in pids:
            if pid in self.groups:
                continue
            group = self._make()
            try:
                (group / "cgroup.procs").write_text(str(pid))
            except OSError:  # the process left meanwhile
                group.rmdir()
                continue
            self.groups[pid] = group
            placed.append(pid)
        return placed

    def throttled_s(self) -> float:
        """Seconds the placed processes spent throttled (waiting for their quota), summed."""
        total = 0
        for group in self.groups.values():
            with contextlib.suppress(OSError):
                stat = dict(line.split() for line in (group / "cpu.stat").read_text().splitlines())
                total += int(stat.get("throttled_time", 0))
        return total / 1e9

    def close(self) -> list[str]:
        """Remove every group made (moving what is left in it to the parent); the groups that
        could not be removed, as messages."""
        failed = []
        for group in self.groups.values():
            with contextlib.suppress(OSError):
                for pid in (group / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        (self.root / "cgroup.procs").write_text(pid)
            try:
                group.rmdir()
            except OSError as e:
                failed.append(f"{group}: {e.strerror or e}")
        self.groups.clear()
        return failed
