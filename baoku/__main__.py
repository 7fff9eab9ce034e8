"""``python -m baoku …``: the same command line as ``baoku``."""

import sys

from .cli import main

sys.exit(main(prog="python -m baoku"))
