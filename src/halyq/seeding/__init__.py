"""One deterministic generator of realistic data for the demo, the tests and the benchmarks.

`halyq seed demo` builds a small living country; `halyq seed --scale national` builds one
the size of the real one. Each capability adds its own step module here; `run.py` calls
the steps in order with one seeded random generator, so the same seed gives the same data.
"""
