"""`python -m himcalc` runs the command-line interface."""

from himcalc.cli import run

if __name__ == "__main__":  # importing the module (doctest collection) runs nothing
    run()
