"""`python -m himcalc` runs the command-line interface."""

from himcalc.cli import run

run()
