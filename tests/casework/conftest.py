"""Fixtures of casework tests: China time with the process far from China (china_time.py)."""

from tests.casework.china_time import china_clock, far_from_china  # noqa: F401
