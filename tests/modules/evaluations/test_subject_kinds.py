"""Beside its members one by one, the committee as a body (班子整体); and city representatives
living in the township (市党代表, 001方案 (8): 在党代表年会上汇报…并接受乡党代表的评议), entered
by name — they are not in the township's roll — and evaluated by its representatives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.errors import ValidationFailed
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import SubjectInput
from lianxin.modules.evaluations.models import Rater
from lianxin.people.models import Representative
from tests.modules.evaluations import steps


def test_the_body_and_a_city_representative_are_evaluated_by_the_representatives(
    clock, cast, tctx, office
):
    campaign = steps.campaign(cast, tctx, office)
    body = service.add_subject(office, tctx, campaign.id, SubjectInput(kind="committee"))
    assert body.kind == "committee" and body.name == "镇党委、纪委领导班子"
    with pytest.raises(ValidationFailed):  # one body a campaign
        service.add_subject(office, tctx, campaign.id, SubjectInput(kind="committee", name="班子"))
    with pytest.raises(ValidationFailed) as nameless:
        service.add_subject(office, tctx, campaign.id, SubjectInput(kind="city_rep"))
    assert "name" in nameless.value.errors
    city = service.add_subject(
        office, tctx, campaign.id, SubjectInput(kind="city_rep", name="周市代")
    )
    assert city.kind == "city_rep" and city.representative_id is None and city.user_id is None
    assert (
        db.session.scalar(select(Representative.id).where(Representative.name == "周市代")) is None
    )
    service.open_campaign(office, tctx, campaign.id)
    raters = db.session.scalars(select(Rater).where(Rater.campaign_id == campaign.id)).all()
    assert len(raters) == 30 and all(r.representative_id for r in raters)
    subjects = service.subjects(office, tctx, campaign.id)
    assert [s.kind for s in subjects] == [None, None, "committee", "city_rep"]
    for i in range(5):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, steps.answers(campaign, subjects, 7)
        )
    service.close_campaign(office, tctx, campaign.id)
    for subject in (body, city):
        result = service.subject_result(office, tctx, subject.id)
        assert result.shown and result.count == 5 and result.weighted_mean == 7.0


def test_the_kinds_belong_to_the_representatives_evaluation_of_the_committee(
    clock, cast, tctx, office
):
    duty = steps.campaign(cast, tctx, office, shape="duty")
    for kind in ("committee", "city_rep"):
        with pytest.raises(ValidationFailed) as refused:
            service.add_subject(office, tctx, duty.id, SubjectInput(kind=kind, name="某某"))
        assert "kind" in refused.value.errors
