"""`python -m himcalc` runs the command-line interface."""

from himcalc.cli.main import run

run()
