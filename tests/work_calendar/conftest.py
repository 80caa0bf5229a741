"""Fixtures of the working-calendar tests: a made-up 2027 notice, a clock, actors."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.auth.actor import actor_for
from lianxin.casework import deadlines
from tests.helpers import Clock

# A made-up 2027 Spring Festival week (the real notice is not published yet): Monday 8 to
# Friday 12 February off, Saturday 20 February an adjusted working day. The weekend rows inside
# the holiday are what a notice's "2月6日至14日放假" spells out: they change nothing.
NOTICE_2027 = """日期,类型,名称
2027-01-01,休,元旦
2027-02-06,休,春节
2027-02-07,休,春节
2027-02-08,休,春节
2027-02-09,休,春节
2027-02-10,休,春节
2027-02-11,休,春节
2027-02-12,休,春节
2027-02-20,班,春节调休上班
"""

SPRING_2027 = date(2027, 2, 8)  # a Monday: a weekday by the estimate, off by the notice
ADJUSTED_SATURDAY_2027 = date(2027, 2, 20)


@pytest.fixture
def operator(world):
    return actor_for(world.users["platform"])


@pytest.fixture
def county_admin(world):
    return actor_for(world.users["county_admin"])


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(date(2026, 10, 31))
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed
