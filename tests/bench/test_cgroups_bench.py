"""The workers bench's CPU quotas: the quota arithmetic, finding a process's children, saying why
there are no quotas, and (where cgroups are writable, as root) a process placed in a group of its
own with the quota and every group removed afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench.cgroups import CPU_ROOT, Quotas, children, quota_us


@pytest.fixture
def child() -> Iterator[subprocess.Popen[bytes]]:
    """A child process that lives until its stdin is closed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        yield proc
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def test_the_quota_is_cores_times_the_period_at_least_the_kernels_minimum() -> None:
    assert quota_us(0.25) == 25_000
    assert quota_us(1.5) == 150_000
    assert quota_us(0.001) == 1000
    with pytest.raises(ValueError):
        quota_us(0)


def test_children_finds_a_child_process(child: subprocess.Popen[bytes]) -> None:
    assert child.pid in children(os.getpid())
    assert children(child.pid) == []


def test_without_a_cpu_controller_there_are_no_quotas_and_a_reason(tmp_path: Path) -> None:
    quotas, why = Quotas.open(0.25, root=tmp_path)
    assert quotas is None and why == f"no cgroup v1 cpu controller at {tmp_path}"


def test_a_process_gets_a_group_of_its_own_with_the_quota_and_it_is_removed(
    child: subprocess.Popen[bytes],
) -> None:
    quotas, why = Quotas.open(0.25)
    if quotas is None:
        pytest.skip(f"cgroups not usable here: {why}")
    try:
        assert quotas.place([child.pid]) == [child.pid]
        assert quotas.place([child.pid]) == []  # placed once
        group = quotas.groups[child.pid]
        assert group.parent == CPU_ROOT
        assert (group / "cpu.cfs_quota_us").read_text().strip() == "25000"
        assert (group / "cgroup.procs").read_text().split() == [str(child.pid)]
    finally:
        left = quotas.close()
    assert left == [] and not group.exists()
    assert str(child.pid) in (CPU_ROOT / "cgroup.procs").read_text().split()
