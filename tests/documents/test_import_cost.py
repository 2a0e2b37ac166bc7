"""Start-up does not pay for the office files: their libraries load only when a file is built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("docx", "openpyxl", "matplotlib", "numpy", "PIL", "chinese_calendar", "lxml")


def test_importing_the_bot_and_every_documents_module_loads_none_of_their_libraries() -> None:
    script = (
        "import sys, bot\n"
        "import documents.charts, documents.fonts, documents.gbt9704, documents.ledger_xlsx\n"
        "import documents.font_table\n"
        "import documents.report_docx, documents.summary, documents.workdays, documents.workers\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
