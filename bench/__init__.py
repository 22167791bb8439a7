"""Benchmarks: our code side by side with a reference, as ratios. See ``bench/README.md``."""
