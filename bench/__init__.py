"""Benchmark harness for LOM: a fast data generator and a load runner (see bench/README.md)."""
