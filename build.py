#!/usr/bin/env python3
"""Build the baoku archive: ``python build.py --help`` lists every option (same as ``baoku``)."""

import sys

from baoku.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python build.py"))
