"""Fixtures of people tests: China time with the process far from China."""

from tests.casework.china_time import china_clock, far_from_china  # noqa: F401
