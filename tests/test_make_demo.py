"""`make demo` on a fresh clone installs only what the product runs on, not the development
tools, so that a newcomer's first start is quick (read from make's dry run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_the_runtime_only(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "demo", f"VENV={venv}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in dry.splitlines() if "pip install" in line]
    assert installs and all("-e ." in line and "[dev]" not in line for line in installs), dry
    assert "minqing console" in dry
    test_dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "pytest", f"VENV={venv}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "[dev]" in test_dry  # the tests still get the development tools
