"""Benchmarks: coopkg against the bare engine, on generated national-scale data (see docs/benchmarks.md)."""
