"""`python -m build_tools.mkdocs_adapter.child PARENT_PID ARGS…`: `mkdocs ARGS…` in a process that the kernel stops
when the build that started it (PARENT_PID) dies, so a killed build leaves no MkDocs running."""

import sys

from ..workers import die_with

if __name__ == "__main__":
    die_with(int(sys.argv[1]))
    sys.argv = ["mkdocs", *sys.argv[2:]]
    from mkdocs.__main__ import cli

    cli()
