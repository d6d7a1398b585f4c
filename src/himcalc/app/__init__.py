"""The application layer: one module per command, between the engine and the renderers.

Each module takes the data and a scenario (already parsed by `himcalc.cli`), calls the
engine, and returns a result object any renderer can print (`himcalc.render`). No typer, no
rich, no printing (docs/architecture.md).
"""
