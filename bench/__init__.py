"""Benchmarks for Alumni Commons: `make bench` or `python -m bench --help`. See bench/README.md."""
