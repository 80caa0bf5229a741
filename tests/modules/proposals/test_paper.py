"""A paper 提案提议表: printed blank, signed by hand, keyed in by the office (issue 25).

The rules are the author's own submission's: the township's minimum signers in office (10 by
default: 9 refused, 10 accepted, and 3 once the township sets 3), the collection window judged
on the day the form was handed in (the window's last day accepted, the next refused), a form
date after today refused; only the office keys in; another township's representative is not
found; the proposal says it came from paper on its page, in the API and in the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.proposals import service
from lianxin.modules.proposals.errors import SubmissionClosed, ThresholdNotMet
from lianxin.modules.proposals.inputs import ProposalPaperSchema
from lianxin.modules.proposals.models import Signature, State
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import assert_error, bearer, login

FORM = {
    "kind": "proposal",
    "title": "关于修缮村级文化礼堂的提案",
    "body": "礼堂年久失修……",
    "category": "其他",
}


def _paper(cast: Any, signers: int, on: str = "2026-03-01", **extra: Any) -> Any:
    return load_input(
        ProposalPaperSchema,
        {
            **FORM,
            "author_id": cast.reps[0],
            "cosigner_ids": cast.reps[1:signers],
            "paper_form_on": on,
            **extra,
        },
    )


def test_nine_signatures_on_paper_are_refused_ten_are_submitted(clock, cast, tctx, office):
    with pytest.raises(ThresholdNotMet):
        service.register_from_paper(office, tctx, _paper(cast, 9))
    db.session.rollback()
    assert db.session.scalars(select(Signature)).all() == []  # nothing kept

    made = service.register_from_paper(office, tctx, _paper(cast, 10))
    assert made.state == State.SUBMITTED
    assert made.author_id == cast.reps[0]
    assert made.from_paper is True and made.paper_form_on == date(2026, 3, 1)
    signed = db.session.scalars(select(Signature).where(Signature.proposal_id == made.id)).all()
    assert sorted(s.representative_id for s in signed) == sorted(cast.reps[:10])
    assert all(s.counted for s in signed)


def test_the_townships_own_minimum_counts(clock, cast, tctx, office, world):
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "proposals", {"min_signers": 3}
    )
    with pytest.raises(ThresholdNotMet):
        service.register_from_paper(office, tctx, _paper(cast, 2))
    db.session.rollback()
    assert service.register_from_paper(office, tctx, _paper(cast, 3)).state == State.SUBMITTED


def test_the_window_is_judged_on_the_day_the_form_was_handed_in(clock, cast, tctx, office, world):
    # The township collects in windows; the fixture's runs 2026-02-01 … 2026-03-31.
    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "proposals", {"all_year": False}
    )
    clock.today = date(2026, 4, 3)
    made = service.register_from_paper(office, tctx, _paper(cast, 10, on="2026-03-31"))
    assert made.state == State.SUBMITTED
    with pytest.raises(SubmissionClosed):
        service.register_from_paper(office, tctx, _paper(cast, 10, on="2026-04-01"))


def test_a_form_date_after_today_is_refused_today_is_accepted(clock, cast, tctx, office):
    with pytest.raises(ValidationFailed) as refused:
        service.register_from_paper(office, tctx, _paper(cast, 10, on="2026-03-03"))
    assert "paper_form_on" in refused.value.errors
    db.session.rollback()
    assert service.register_from_paper(office, tctx, _paper(cast, 10, on="2026-03-02"))


def test_only_the_office_keys_in_and_the_author_is_not_a_cosigner(clock, cast, tctx, office):
    with pytest.raises(PermissionDenied):
        service.register_from_paper(cast.actors[0], tctx, _paper(cast, 10))
    with pytest.raises(ValidationFailed) as twice:
        service.register_from_paper(
            office, tctx, _paper(cast, 10, cosigner_ids=[cast.reps[0], *cast.reps[1:10]])
        )
    assert "cosigner_ids" in twice.value.errors


def test_the_page_the_api_and_the_audit_say_paper(app, clock, cast, world, office):
    client = app.test_client()
    slug = world.township.slug
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{slug}/proposals/paper")
    assert page.status_code == 200 and "录入纸质提案提议表" in page.get_data(as_text=True)
    short = client.post(
        f"/t/{slug}/proposals/paper",
        data={
            **FORM,
            "author_id": cast.reps[0],
            "cosigner_ids": cast.reps[1:5],
            "paper_form_on": "2026-03-01",
        },
    )
    assert short.status_code == 422
    text = short.get_data(as_text=True)
    assert "联名代表不足" in text and FORM["title"] in text  # said, and what was typed kept
    done = client.post(
        f"/t/{slug}/proposals/paper",
        data={
            **FORM,
            "author_id": cast.reps[0],
            "cosigner_ids": cast.reps[1:10],
            "paper_form_on": "2026-03-01",
        },
    )
    assert done.status_code == 302
    detail = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "据纸质提案提议表登记（递交日期 2026-03-01）" in detail

    headers = bearer(world.users["township_staff"])
    api = client.post(
        f"/api/v1/t/{slug}/proposals/proposals/paper",
        headers=headers,
        json={
            **FORM,
            "author_id": cast.reps[1],
            "cosigner_ids": cast.reps[2:11],
            "paper_form_on": "2026-02-27",
        },
    )
    assert api.status_code == 201, api.get_json()
    body = api.get_json()
    assert body["from_paper"] is True and body["paper_form_on"] == "2026-02-27"
    assert body["state"] == State.SUBMITTED
    assert_error(
        client.post(
            f"/api/v1/t/{slug}/proposals/proposals/paper",
            headers=headers,
            json={**FORM, "author_id": cast.reps[1], "paper_form_on": "2026-13-01"},
        ),
        422,
    )
    rep_headers = bearer(cast.users[0])
    assert (
        client.post(
            f"/api/v1/t/{slug}/proposals/proposals/paper",
            headers=rep_headers,
            json={**FORM, "author_id": cast.reps[0], "paper_form_on": "2026-03-01"},
        ).status_code
        == 403
    )
    with tenant_context(world.township.id):
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "proposal.register_paper")
        ).all()
    assert len(entries) == 2
    assert entries[0].after["from_paper"] is True


def test_another_townships_representative_is_not_found(app, clock, cast, world, office):
    with tenant_context(world.other.id):
        theirs = people.create_representative(
            actor(world.users["other_admin"]),
            world.other,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": "乙镇代表",
                    "gender": "男",
                    "birth_date": "1970-01-01",
                    "education": "大学本科",
                    "category": "农民",
                    "term": 13,
                },
            ),
        ).id
        db.session.commit()
    client = app.test_client()
    headers = bearer(world.users["township_staff"])
    for body in (
        {"author_id": theirs, "cosigner_ids": cast.reps[1:10]},
        {"author_id": cast.reps[0], "cosigner_ids": [*cast.reps[1:9], theirs]},
    ):
        response = client.post(
            f"/api/v1/t/{world.township.slug}/proposals/proposals/paper",
            headers=headers,
            json={**FORM, **body, "paper_form_on": "2026-03-01"},
        )
        assert response.status_code == 404, response.get_json()


def test_the_blank_form_shows_the_townships_minimum(app, clock, cast, world):
    client = app.test_client()
    login(client, cast.users[0])
    page = client.get(f"/t/{world.township.slug}/proposals/blank-form")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "提案提议表" in text and "须有 10 名以上在任代表联名" in text
    assert text.count('class="signer-row"') == 5  # ten signature lines, two a row
    assert 'proposals/paper"' not in text  # a representative prints it; the office keys it in
    assert client.get(f"/t/{world.township.slug}/proposals/paper").status_code == 403


def test_a_form_handed_in_more_than_a_year_ago_is_refused(clock, cast, tctx, office, world):
    # The clock says 2026-03-02: 2025-03-02 is the oldest date a form may carry.
    for too_old in ("2025-03-01", "0001-01-01"):
        with pytest.raises(ValidationFailed) as old:
            service.register_from_paper(office, tctx, _paper(cast, 10, on=too_old))
        assert "paper_form_on" in old.value.errors
        db.session.rollback()
    made = service.register_from_paper(office, tctx, _paper(cast, 10, on="2025-03-02"))
    assert made.paper_form_on == date(2025, 3, 2)
