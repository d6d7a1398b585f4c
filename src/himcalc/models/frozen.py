"""The base of every model: immutable, unknown keys refused (`models.common` re-exports it).

Apart from the dataset models so that the scenario model (`engine.scenario`) can be defined
without building them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base for every model: immutable, and unknown keys are an error (they are usually typos)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
