"""Fixtures shared by the whole suite."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

SHIPPED_DATA = Path(__file__).resolve().parents[1] / "data"


def data_digests() -> dict[str, str]:
    """sha256 of every shipped data file (`data/*.yaml`), by file name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(SHIPPED_DATA.glob("*.yaml"))}


@pytest.fixture(scope="session", autouse=True)
def shipped_data_digests() -> Iterator[dict[str, str]]:
    """Digests of the shipped data taken at session start; the session fails if any changed."""
    before = data_digests()
    yield before
    assert data_digests() == before, "the test suite modified the shipped data files"
