"""`python -m build_tools`: the command line.

It exits without tearing the interpreter down: every file is closed by then, and after a city-scale build
freeing the catalogue's million objects one by one is work nobody waits for."""

import os
import sys

from build_tools.cli import main

code = main()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
