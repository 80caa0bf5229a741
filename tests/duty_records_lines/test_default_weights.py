"""The formula's defaults over the first-party parts: the caps of the work done add up to 100
(with the awards' adoption line 采纳), 优秀 earns more than 称职, a pair counting the same work
weighs one of its items, and an item the defaults do not name scores 0."""

from __future__ import annotations

from lianxin.duty_records import service
from lianxin.duty_records.stages.formula import Formula, default_weight
from lianxin.modules.registry import DutyItem, current_registry


def _done(registry):
    return [i for _s, d in registry.duty_sets() for i in d.items if i.kind == "done"]


def test_default_caps_total_100_and_name_every_first_party_item(app):
    registry = current_registry()
    keys = {i.key for i in _done(registry)}
    assert keys <= set(service.DEFAULT_WEIGHTS)  # every item weighed on purpose
    table = sum(cap for _p, cap in service.DEFAULT_WEIGHTS.values())
    assert table == 100
    # Over the registry itself (the awards' line 采纳 counted when it is there, as it is now).
    missing = sum(c for k, (_p, c) in service.DEFAULT_WEIGHTS.items() if k not in keys)
    assert Formula(0).caps_total(registry) == 100 - missing
    if "awards.adopted" in keys:
        assert Formula(0).caps_total(registry) == 100


def test_excellent_earns_more_than_competent(app):
    excellent = service.DEFAULT_WEIGHTS["evaluations.excellent"]
    competent = service.DEFAULT_WEIGHTS["evaluations.competent"]
    assert excellent[0] > competent[0] and excellent[1] > competent[1]


def test_a_pair_of_the_same_work_weighs_one_of_it(app):
    for weighed, zero in (
        ("casework.cases_received", "casework.cases_closed"),
        ("commitments.kept", "commitments.made"),
        ("trainings.sessions_attended", "trainings.days_attended"),
    ):
        assert service.DEFAULT_WEIGHTS[weighed][1] > 0
        assert service.DEFAULT_WEIGHTS[zero] == (0, 0)


def test_an_unnamed_item_scores_nothing_the_adoption_line_by_its_kind(app):
    assert default_weight(DutyItem("elsewhere.visits", "走访", unit="次")) == (0, 0)
    assert default_weight(DutyItem("elsewhere.missed", "缺岗", unit="次", kind="missed")) == (
        5,
        15,
    )
    assert default_weight(DutyItem("awards.adopted_items", "采纳", unit="件")) == (2, 4)
