#!/usr/bin/env python3
"""Build the edition: `python build.py` builds site/, `python build.py serve` previews it,
`python build.py inspect PATH` shows what the parser reads."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
