"""A non-editable install: the wheel carries the `minqing` command and the package data, and the
installed command finds its defaults (tanks, stations, migrations) from any directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import migrations

ROOT = Path(__file__).resolve().parents[1]
BUILD_JUNK = (".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", "data", "*.db")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The wheel `pip wheel .` builds from a copy of the source tree (the tree stays clean)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*BUILD_JUNK))
    out = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("minqing-*.whl")
    yield built


def test_the_wheel_has_the_command_and_the_package_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = z.read(entry_points).decode()
    assert "[console_scripts]\nminqing = cli.main:entry" in scripts
    assert {
        "bot.py",
        "cli/main.py",
        "config/think_tanks.toml",
        "config/stations.toml",
        "config/desk.toml",
        "config/holidays.toml",
        "core/desk/reports.py",
        "documents/report_docx.py",
        "storage/migrations/0008_desk.sql",
        "storage/migrations/0001_initial.sql",
        "storage/migrations/0002_tallies.sql",
    } <= names


def test_the_installed_command_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = ["install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)]
    subprocess.run(
        [sys.executable, "-m", "pip", *install],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # The dependencies from this environment's site-packages, but not its editable install of
    # the project (a .pth file, which PYTHONPATH does not read): the code comes from the wheel.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env["PYTHONPATH"] = os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])
    env["MINQING_DATABASE"] = str(tmp_path / "db" / "minqing.db")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def minqing(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(target / "bin" / "minqing"), *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    version = minqing("--version")
    assert version.returncode == 0 and version.stdout.startswith("minqing "), version.stderr
    migrated = minqing("migrate")
    latest = f"schema version {migrations()[-1][0]}"  # numbers may leave gaps
    assert migrated.returncode == 0 and latest in migrated.stdout, migrated.stderr
    classified = minqing("nlp", "classify", "老板拖欠工资三个月，想申请劳动仲裁")
    assert classified.returncode == 0, classified.stderr
    assert classified.stdout.startswith("law  confidence")
    found = minqing("nlp", "classify", "--json", "x")  # nothing matches: the file's tanks
    assert found.returncode == 0 and '"tank": null' in found.stdout, found.stderr
    imported = subprocess.run(
        [sys.executable, "-c", "import cli.main, config.tanks; print(config.tanks.DEFAULT_TANKS)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.startswith(str(target)), imported.stdout
