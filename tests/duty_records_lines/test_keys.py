"""The duty items every part declares (registry.DutySet): keys unique across the registry and
named after their part; and, of the parts issue 24 lists, all present, with kinds the record
knows, Chinese labels and units, and their constructive suggestions marked."""

from __future__ import annotations

from lianxin.modules.registry import Registry, load_core, load_core_last, load_first_party

PARTS = {
    "casework",
    "reception_days",
    "workstations",
    "proposals",
    "annual_sessions",
    "evaluations",
    "liaison",
    "consultations",
    "sittings",
    "inspections",
    "trainings",
    "group_activities",
    "commitments",
    "awards",
}
UNITS = {"次", "天", "件", "条", "篇"}


def _duty_sets():
    return Registry((*load_core(), *load_first_party(), *load_core_last())).duty_sets()


def test_every_key_is_unique_and_prefixed_by_its_parts_key(app):
    seen: dict[str, str] = {}
    for spec, duty in _duty_sets():
        for item in duty.items:
            assert item.key.startswith(f"{spec.key}."), (spec.key, item.key)
            assert item.key not in seen, (item.key, seen.get(item.key), spec.key)
            seen[item.key] = spec.key
    assert set(seen.values()) >= PARTS  # and any part added since


def test_every_item_says_what_it_counts_in_chinese(app):
    for spec, duty in _duty_sets():
        if spec.key not in PARTS:
            continue
        for item in duty.items:
            assert item.kind in ("done", "missed", "info"), item.key
            assert str(item.unit) in UNITS, item.key
            for text in (str(item.label), str(item.description)):
                assert text and not any("a" <= ch.lower() <= "z" for ch in text), item.key


def test_each_part_with_suggestions_marks_them_done(app):
    suggestions = [i for s, d in _duty_sets() if s.key in PARTS for i in d.items if i.suggestion]
    assert {i.key for i in suggestions} == {
        "casework.cases_raised",
        "proposals.led",
        "annual_sessions.items_proposed",
        "consultations.opinions",
        "sittings.suggestions",
    }
    assert all(i.kind == "done" for i in suggestions)
