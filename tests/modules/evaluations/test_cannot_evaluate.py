"""“无法评价” (issue 19): a rater who does not know a subject answers “无法评价” for it and still
submits the rest. A township setting, on by default, frozen on the campaign when it opens. Such
an answer is sealed, padded and released exactly like a grade (the database cannot tell them
apart), counts neither for nor against (results, averages, grades and proposals come from the
real grades only, the number of 无法评价 shown apart), and a subject's result is shown only from
K real grades: K−1 grades and any number of 无法评价 show nothing. A subject everyone answered
无法评价 shows “无有效评价”, never 0. Service, API and pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import ValidationFailed
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import (
    AnswerInput,
    CampaignInput,
    CodesInput,
    SubjectInput,
)
from lianxin.modules.evaluations.models import Answer, PooledAnswer
from lianxin.modules.evaluations.schemas import EvaluationSettings
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import assert_error, bearer, login

K = 5  # the default min_answers


def _campaign(cast, township, office, shape="committee"):
    campaign = service.create_campaign(
        office,
        township,
        CampaignInput(
            title=f"评议{uuid.uuid4().hex[:6]}",
            shape=shape,
            opens_on=date(2025, 12, 1),
            closes_on=date(2026, 1, 15),
        ),
    )
    if shape == "committee":
        for member in cast.members:
            service.add_subject(office, township, campaign.id, SubjectInput(user_id=member.id))
    else:
        service.add_default_subjects(office, township, campaign.id)
    return campaign


def _graded(campaign, score=8, overall="competent", comment=None) -> dict[str, Any]:
    return {
        "scores": {d["key"]: score for d in campaign.dimensions},
        "overall": overall,
        "comment": comment,
    }


CANNOT = {"cannot_evaluate": True}


def _given(answers: dict[int, dict[str, Any]]) -> list[AnswerInput]:
    """Answers by subject, as the service takes them: one `AnswerInput` each."""
    return [AnswerInput(subject_id=sid, **answer) for sid, answer in answers.items()]


def _switch(world, township, on: bool) -> None:
    admin = actor(world.users["township_admin" if township is world.township else "other_admin"])
    with tenant_context(township.id):
        tenants.update_township_settings(admin, township, "evaluations", {"cannot_evaluate": on})
        db.session.commit()


# --- the setting ---------------------------------------------------------------------------------


def test_the_setting_is_on_by_default_and_a_checkbox_with_a_chinese_label():
    field = EvaluationSettings().fields["cannot_evaluate"]
    assert field.load_default is True
    assert "无法评价" in str(field.metadata["label"])
    assert EvaluationSettings().load({})["cannot_evaluate"] is True


def test_off_in_one_township_refused_there_while_another_township_keeps_it(
    clock, cast, tctx, office, world
):
    _switch(world, world.township, False)
    assert service.settings(world.township.id)["cannot_evaluate"] is False
    campaign = _campaign(cast, tctx, office)
    service.open_campaign(office, tctx, campaign.id)
    assert campaign.cannot_evaluate is False and not service.cannot_evaluate_offered(campaign)
    first, second = service.subjects(office, tctx, campaign.id)
    with pytest.raises(ValidationFailed) as refused:
        service.submit_by_account(
            cast.actors[0],
            tctx,
            campaign.id,
            _given({first.id: CANNOT, second.id: _graded(campaign)}),
        )
    assert list(refused.value.errors) == [f"{first.id}.cannot_evaluate"]
    assert "无法评价" in refused.value.message
    assert service.participation(office, tctx, campaign.id).answered == 0  # nothing was kept
    assert db.session.scalar(select(PooledAnswer.id)) is None

    # 乙镇 kept the default: there the same answer is taken.
    other = world.other
    with tenant_context(other.id):
        assert service.settings(other.id)["cannot_evaluate"] is True
        other_office = actor(world.users["other_admin"])
        public = _campaign(cast, other, other_office, shape="public")
        service.open_campaign(other_office, other, public.id)
        assert public.cannot_evaluate is True
        (code,) = service.issue_codes(other_office, other, public.id, CodesInput(1))
        (station,) = service.subjects(other_office, other, public.id)
        service.submit_public(other, public.id, code, _given({station.id: CANNOT}))
        assert service.participation(other_office, other, public.id).answered == 1
        db.session.commit()


def test_the_setting_is_frozen_when_the_campaign_opens(clock, cast, tctx, office, world):
    draft = _campaign(cast, tctx, office)
    opened = _campaign(cast, tctx, office)
    service.open_campaign(office, tctx, opened.id)
    assert opened.cannot_evaluate is True
    _switch(world, world.township, False)
    db.session.refresh(opened)
    # The running campaign keeps the form it opened with; a draft follows the setting.
    assert opened.cannot_evaluate is True and service.cannot_evaluate_offered(opened)
    assert draft.cannot_evaluate is None and not service.cannot_evaluate_offered(draft)
    first, second = service.subjects(office, tctx, opened.id)
    service.submit_by_account(
        cast.actors[0], tctx, opened.id, _given({first.id: CANNOT, second.id: _graded(opened)})
    )
    service.open_campaign(office, tctx, draft.id)
    assert draft.cannot_evaluate is False


# --- answering -----------------------------------------------------------------------------------


def test_every_subject_needs_a_grade_or_cannot_evaluate(clock, cast, tctx, office):
    campaign = _campaign(cast, tctx, office)
    service.open_campaign(office, tctx, campaign.id)
    first, second = service.subjects(office, tctx, campaign.id)
    # Nothing about the second subject: refused, naming 无法评价 as the other way.
    with pytest.raises(ValidationFailed) as missing:
        service.submit_by_account(cast.actors[0], tctx, campaign.id, _given({first.id: CANNOT}))
    assert {k.split(".")[0] for k in missing.value.errors} == {str(second.id)}
    assert all("无法评价" in m for v in missing.value.errors.values() for m in v)
    # One score short of a full grade: refused.
    partial = _graded(campaign)
    partial["scores"].pop(campaign.dimensions[0]["key"])
    with pytest.raises(ValidationFailed):
        service.submit_by_account(
            cast.actors[0], tctx, campaign.id, _given({first.id: CANNOT, second.id: partial})
        )
    # 无法评价 carries nothing else: not with scores, a grade or a comment.
    for extra in ({"scores": {campaign.dimensions[0]["key"]: 8}}, {"overall": "excellent"}):
        with pytest.raises(ValidationFailed) as mixed:
            service.submit_by_account(
                cast.actors[0],
                tctx,
                campaign.id,
                _given({first.id: {**CANNOT, **extra}, second.id: _graded(campaign)}),
            )
        assert list(mixed.value.errors) == [f"{first.id}.cannot_evaluate"]
    assert service.participation(office, tctx, campaign.id).answered == 0
    # 无法评价 for every subject is a complete form.
    service.submit_by_account(
        cast.actors[0], tctx, campaign.id, _given({first.id: CANNOT, second.id: CANNOT})
    )
    assert service.participation(office, tctx, campaign.id).answered == 1


def test_a_cannot_evaluate_answer_seals_to_the_size_of_a_grade_in_the_same_pool(
    clock, cast, tctx, office
):
    campaign = _campaign(cast, tctx, office)
    service.open_campaign(office, tctx, campaign.id)
    first, second = service.subjects(office, tctx, campaign.id)
    service.submit_by_account(
        cast.actors[0],
        tctx,
        campaign.id,
        _given(
            {first.id: CANNOT, second.id: _graded(campaign, comment="很" * service.COMMENT_MAX)}
        ),
    )
    service.submit_by_account(
        cast.actors[1], tctx, campaign.id, _given({first.id: _graded(campaign), second.id: CANNOT})
    )
    pool = db.session.execute(
        select(PooledAnswer.subject_id, PooledAnswer.sealed).where(
            PooledAnswer.campaign_id == campaign.id
        )
    ).all()
    # One row per subject per rater, whichever the answer, all of one length, nothing readable.
    assert sorted(s for s, _b in pool) == sorted([first.id, second.id] * 2)
    assert len({len(bytes(b)) for _s, b in pool}) == 1
    assert len(bytes(pool[0][1])) == service._box(campaign).sealed_size
    for needle in (b"cannot", b"true", b"scores"):
        assert not any(needle in bytes(b) for _s, b in pool)


# --- results -------------------------------------------------------------------------------------


def _run(cast, tctx, office, plan: dict[int, list[bool]], score=8):
    """A committee campaign: per subject (0, 1), per rater, True = graded, False = 无法评价."""
    campaign = _campaign(cast, tctx, office)
    service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    raters = len(plan[0])
    for i in range(raters):
        answers = {
            s.id: _graded(campaign, score=score) if plan[n][i] else CANNOT
            for n, s in enumerate(subjects)
        }
        service.submit_by_account(cast.actors[i], tctx, campaign.id, _given(answers))
    service.close_campaign(office, tctx, campaign.id)
    return campaign, subjects


def test_k_minus_one_grades_and_any_cannot_evaluate_show_nothing_k_grades_show(
    clock, cast, tctx, office
):
    # Seven raters: the first subject gets K−1 grades and three 无法评价 (seven answers, over
    # K, so all are released), the second K grades and two 无法评价. The 无法评价 answers score 1.
    plan = {0: [True] * (K - 1) + [False] * 3, 1: [True] * K + [False] * 2}
    campaign, (first, second) = _run(cast, tctx, office, plan, score=9)
    released = db.session.execute(
        select(Answer.subject_id, Answer.cannot_evaluate).where(Answer.campaign_id == campaign.id)
    ).all()
    assert sorted(released) == sorted(
        [(first.id, False)] * (K - 1)
        + [(first.id, True)] * 3
        + [(second.id, False)] * K
        + [(second.id, True)] * 2
    )
    hidden, shown = service.results(office, tctx, campaign.id)
    # K−1 real grades: nothing, not even how many graded or could not.
    assert (hidden.shown, hidden.count, hidden.cannot_evaluate, hidden.no_valid) == (
        False,
        0,
        0,
        False,
    )
    assert hidden.dimensions == [] and hidden.weighted_mean is None and hidden.overall == {}
    assert first.proposed_grade is None
    with pytest.raises(service.BelowThreshold):
        service.subject_result(office, tctx, first.id)
    # K real grades: shown from them alone; the 无法评价 counted apart, neither for nor against.
    assert (shown.shown, shown.count, shown.cannot_evaluate) == (True, K, 2)
    assert shown.weighted_mean == 9.0 and all(d.mean == 9.0 for d in shown.dimensions)
    assert all(sum(d.distribution.values()) == K for d in shown.dimensions)
    assert shown.overall == {"competent": K}
    assert second.proposed_grade == "excellent"  # 9 of 10: not pulled down by 无法评价
    assert service.subject_result(office, tctx, second.id).cannot_evaluate == 2


def test_a_subject_everyone_could_not_evaluate_shows_no_valid_answer_not_zero(
    clock, cast, tctx, office
):
    plan = {0: [False] * K, 1: [True] * K}
    campaign, (first, _second) = _run(cast, tctx, office, plan)
    nobody, _graded_row = service.results(office, tctx, campaign.id)
    assert (nobody.shown, nobody.no_valid, nobody.count, nobody.cannot_evaluate) == (
        False,
        True,
        0,
        K,
    )
    assert nobody.weighted_mean is None and nobody.dimensions == []
    assert first.proposed_grade is None
    alone = service.subject_result(office, tctx, first.id)
    assert alone.no_valid and alone.weighted_mean is None
    assert service.export_xlsx(office, tctx, campaign.id)[:2] == b"PK"


# --- API -----------------------------------------------------------------------------------------


def _api(world, path: str) -> str:
    return f"/api/v1/t/{world.township.slug}/evaluations{path}"


def _opened_api(cast, world, office) -> tuple[int, list[int]]:
    with tenant_context(world.township.id):
        campaign = _campaign(cast, world.township, office)
        service.open_campaign(office, world.township, campaign.id)
        ids = [s.id for s in service.subjects(office, world.township, campaign.id)]
        db.session.commit()
        return campaign.id, ids


def _body(form: dict[str, Any], cannot: set[int]) -> dict[str, Any]:
    return {
        "answers": [
            {"subject_id": s["id"], "cannot_evaluate": True}
            if s["id"] in cannot
            else {
                "subject_id": s["id"],
                "scores": {d["key"]: 8 for d in form["dimensions"]},
                "overall": "competent",
            }
            for s in form["subjects"]
        ]
    }


def test_api_offers_takes_and_counts_cannot_evaluate(app, client, clock, cast, world, office):
    cid, (first, second) = _opened_api(cast, world, office)
    with tenant_context(world.township.id):
        tokens = [bearer(u) for u in cast.users[: K + 2]]
        staff = bearer(world.users["township_staff"])
    form = client.get(_api(world, f"/campaigns/{cid}/form"), headers=tokens[0]).get_json()
    assert form["cannot_evaluate"] is True
    detail = client.get(_api(world, f"/campaigns/{cid}"), headers=staff).get_json()
    assert detail["cannot_evaluate"] is True
    # 无法评价 with scores: a structured refusal on the subject.
    mixed = _body(form, {first})
    mixed["answers"][0]["scores"] = {form["dimensions"][0]["key"]: 8}
    body = assert_error(
        client.post(_api(world, f"/campaigns/{cid}/answers"), headers=tokens[0], json=mixed),
        422,
        "validation_error",
    )
    assert list(body["errors"]) == [f"{first}.cannot_evaluate"]
    for n, token in enumerate(tokens):
        cannot = {first} if n >= K - 1 else set()  # first: K−1 grades, 3 无法评价
        if n >= K:
            cannot.add(second)  # second: K grades, 2 无法评价
        response = client.post(
            _api(world, f"/campaigns/{cid}/answers"), headers=token, json=_body(form, cannot)
        )
        assert response.status_code == 204, response.get_data(as_text=True)
    assert client.post(_api(world, f"/campaigns/{cid}/close"), headers=staff).status_code == 200
    rows = client.get(_api(world, f"/campaigns/{cid}/results"), headers=staff).get_json()
    hidden, shown = rows
    assert (hidden["shown"], hidden["count"], hidden["cannot_evaluate"]) == (False, 0, 0)
    assert hidden["no_valid"] is False and "weighted_mean" not in hidden
    assert (shown["shown"], shown["count"], shown["cannot_evaluate"]) == (True, K, 2)
    assert shown["weighted_mean"] == 8.0 and shown["overall"] == {"competent": K}
    assert_error(
        client.get(_api(world, f"/subjects/{first}/result"), headers=staff), 409, "below_threshold"
    )


def test_api_refuses_cannot_evaluate_where_the_township_turned_it_off(
    app, client, clock, cast, world, office
):
    _switch(world, world.township, False)
    cid, (first, _second) = _opened_api(cast, world, office)
    with tenant_context(world.township.id):
        token = bearer(cast.users[0])
    form = client.get(_api(world, f"/campaigns/{cid}/form"), headers=token).get_json()
    assert form["cannot_evaluate"] is False
    body = assert_error(
        client.post(
            _api(world, f"/campaigns/{cid}/answers"), headers=token, json=_body(form, {first})
        ),
        422,
        "validation_error",
    )
    assert list(body["errors"]) == [f"{first}.cannot_evaluate"]
    assert "无法评价" in body["message"]
    ok = client.post(
        _api(world, f"/campaigns/{cid}/answers"), headers=token, json=_body(form, set())
    )
    assert ok.status_code == 204


# --- pages ---------------------------------------------------------------------------------------


def _as(app, user: Any) -> Any:
    page = app.test_client()
    login(page, db.session.get(User, user.id))
    return page


def _page_form(dims, subjects, cannot: set[int]) -> dict[str, str]:
    data: dict[str, str] = {}
    for s in subjects:
        if s in cannot:
            data[f"s{s}-cannot_evaluate"] = "1"
            data[f"s{s}-{dims[0]['key']}"] = "3"  # a score picked before ticking: dropped
            continue
        for d in dims:
            data[f"s{s}-{d['key']}"] = "9"
        data[f"s{s}-overall"] = "excellent"
    return data


def test_the_phone_form_offers_cannot_evaluate_and_results_show_it_apart(
    app, clock, cast, world, office
):
    cid, (first, second) = _opened_api(cast, world, office)
    with tenant_context(world.township.id):
        dims = list(service.get_campaign(office, world.township, cid).dimensions)
    base = f"/t/{world.township.slug}/evaluations/{cid}"
    rep = _as(app, cast.users[0])
    page = rep.get(f"{base}/answer").get_data(as_text=True)
    assert page.count('class="ev-cannot"') == 2
    assert f'name="s{first}-cannot_evaluate"' in page and "无法评价" in page
    # A subject left empty: the form again, with the message saying 无法评价 is the other way.
    half = _page_form(dims, [first], set())
    again = rep.post(f"{base}/answer", data=half)
    assert again.status_code == 422 and "或选择“无法评价”" in again.get_data(as_text=True)
    for n, user in enumerate(cast.users[:K]):
        cannot = {first} if n == 0 else set()  # first: K−1 grades → nothing shown
        done = _as(app, user).post(f"{base}/answer", data=_page_form(dims, [first, second], cannot))
        assert done.status_code == 200 and "提交成功" in done.get_data(as_text=True)
    with tenant_context(world.township.id):
        db.session.expire_all()
        scored = db.session.scalars(select(Answer.scores)).all()
    assert scored == []  # still pooled
    staff = _as(app, world.users["township_staff"])
    assert staff.post(f"{base}/close").status_code == 302
    results = staff.get(f"{base}/results").get_data(as_text=True)
    assert results.count("有效答卷不足 5 份，不显示") == 1
    figures = re.findall(r'class="cannot">(\d+)<', results)
    assert figures == ["0"]  # the second subject: five grades, no 无法评价
    assert "9.0" in results


def test_the_page_refuses_cannot_evaluate_where_it_is_off_and_shows_no_valid(
    app, clock, cast, world, office
):
    _switch(world, world.township, False)
    cid, (first, second) = _opened_api(cast, world, office)
    with tenant_context(world.township.id):
        dims = list(service.get_campaign(office, world.township, cid).dimensions)
    base = f"/t/{world.township.slug}/evaluations/{cid}"
    rep = _as(app, cast.users[0])
    page = rep.get(f"{base}/answer").get_data(as_text=True)
    assert 'class="ev-cannot"' not in page and "cannot_evaluate" not in page
    assert "无法评价" not in page
    refused = rep.post(f"{base}/answer", data=_page_form(dims, [first, second], {first}))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "本次评议不设“无法评价”" in text

    # Where it is on, a subject nobody could evaluate reads “无有效评价”, never a 0.
    _switch(world, world.township, True)
    cid, (first, second) = _opened_api(cast, world, office)
    base = f"/t/{world.township.slug}/evaluations/{cid}"
    for user in cast.users[:K]:
        done = _as(app, user).post(
            f"{base}/answer", data=_page_form(dims, [first, second], {first})
        )
        assert done.status_code == 200
    staff = _as(app, world.users["township_staff"])
    assert staff.post(f"{base}/close").status_code == 302
    results = staff.get(f"{base}/results").get_data(as_text=True)
    nobody = results.split(f'id="result-{first}"')[1].split("</section>")[0]
    assert "无有效评价" in nobody and 'class="weighted"' not in nobody and "0.0" not in nobody
    assert re.findall(r'class="cannot">(\d+)<', results) == ["5", "0"]
