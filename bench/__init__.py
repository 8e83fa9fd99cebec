"""Benchmark harness for the LRS: ``python -m bench run --store sqlite|postgres`` (docs/PERFORMANCE.md)."""
