"""Makes `import sniffio` fail in a bench subprocess: the bot measured as if it were not installed.

Put on PYTHONPATH only by tests/bench/procs.py, and only when MINQING_BENCH_HIDE_SNIFFIO is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType


class _HideSniffio:
    """A meta path finder that refuses sniffio, as if it were not installed."""

    @classmethod
    def find_spec(
        cls, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "sniffio" or name.startswith("sniffio."):
            # The search a missing module costs (every entry of sys.path), then its failure.
            PathFinder.find_spec(name.replace("sniffio", "sniffio_absent"), path)
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


if os.environ.get("MINQING_BENCH_HIDE_SNIFFIO"):
    sys.meta_path.insert(0, _HideSniffio())
