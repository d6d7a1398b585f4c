"""The command-line interface. `run` is the console script's entry point.

`himcalc --version` is answered here, before typer and the commands are imported, because
scripts call it in loops to check what is installed; everything else goes to `main`.
"""

import sys


def run() -> None:
    """Console-script entry point."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from himcalc import __version__

        sys.stdout.write(f"himcalc {__version__}\n")
        return
    from himcalc.cli.main import main_entry

    sys.exit(main_entry())
