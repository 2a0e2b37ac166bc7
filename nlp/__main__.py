"""Command line: python -m nlp learn | evaluate | classify | crossval (see --help); the same
commands as `minqing nlp ...`."""

from __future__ import annotations

import sys

from cli.nlp import standalone_main as main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
