"""himcalc: payback, NPV and IRR of Health Information Management credentials."""

__version__ = "0.1.0"
