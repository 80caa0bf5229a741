"""Pages of the by-elections module (/t/<slug>/by_elections), its public notices and the voters'
ballot page (/p/<slug>/by_elections). A foreign or unknown id is a 404 (NotFound propagates);
rule breaks and bad input are flashed and nothing is changed. One-time links are shown once, on
the page that issued them, and the ballot page trades the link's secret for the signed session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.by_elections import service
from lianxin.modules.by_elections.inputs import (
    ByElectionAnnounceInputSchema,
    ByElectionBallotInputSchema,
    ByElectionCandidateInputSchema,
    ByElectionInputSchema,
    ByElectionOpenInputSchema,
    ByElectionPaperCountInputSchema,
    ByElectionQuotasInputSchema,
    ByElectionRecommendInputSchema,
    ByElectionReviewInputSchema,
    ByElectionStepInputSchema,
)
from lianxin.people import choices
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web import links
from lianxin.web.forms import attempt, flash_error
from lianxin.web.scope import current_township, township_scope

pages = Blueprint("by_elections", __name__, template_folder="templates")
public = Blueprint("by_elections_public", __name__, template_folder="templates")

LINK_KEY = "by_election_link"


def _private(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _words() -> dict[str, Any]:
    return {
        "GENDER": choices.GENDER,
        "EDUCATION": choices.EDUCATION,
        "CATEGORY": choices.CATEGORY,
        "STEP_LABELS": service.STEP_LABELS,
        "STATE_LABELS": service.STATE_LABELS,
        "SOURCE_LABELS": service.SOURCE_LABELS,
        "CHANNEL_LABELS": service.CHANNEL_LABELS,
        "QUOTA_LABELS": service.QUOTA_LABELS,
    }


@pages.context_processor
def _page_words() -> dict[str, Any]:
    return _words()


@public.context_processor
def _public_words() -> dict[str, Any]:
    return _words()


@pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = township_scope()
    if request.method == "POST":
        made = attempt(
            lambda: service.create_by_election(
                actor, township, load_input(ByElectionInputSchema, request.form, form=True)
            ),
            ok=_("已登记"),
        )
        if made is not None:
            return redirect(url_for("by_elections.election", election_id=made.id))
        return redirect(url_for("by_elections.index"))
    office = service.is_office(actor, township)
    branches, _total = tenants.list_branches(actor, township)
    return render_template(
        "by_elections/index.html",
        elections=service.list_elections(actor, township),
        branches={b.id: b.name for b in branches},
        vacancies=service.open_vacancies(actor, township) if office else [],
        can_edit=office,
        rule=service.settings(township.id),
        today=service.today(),
    )


@pages.get("/export.xlsx")
def export():
    actor, township = township_scope()
    data = service.register_xlsx(actor, township)
    name = _("%(t)s补选登记簿.xlsx", t=township.name)
    return spreadsheets.response(data, name, ascii_name="by_elections.xlsx")


def _render(election_id: int, issued: list[service.IssuedLink] | None = None) -> Any:
    actor, township = township_scope()
    election = service.get_election(actor, township, election_id)
    office = service.is_office(actor, township)
    rule = service.settings(township.id)
    shown = [
        (
            link.name,
            links.public_url(
                "by_elections_public.vote", township_slug=township.slug, token=link.token
            ),
        )
        for link in issued or []
    ]
    response = make_response(
        render_template(
            "by_elections/election.html",
            e=election,
            branch=service.branch_name(township, election.branch_id),
            steps=service.steps_of(election),
            next_step=service.next_step(election),
            candidates=service.candidates_of(election),
            on_ballot=service.ballot_candidates(election),
            vacancies=service.vacancies_of(election),
            notice_ends=service.notice_ends_on(election),
            needed=service.required_candidates(
                election.seats,
                election.margin_percent
                if election.margin_percent is not None
                else int(rule["margin_percent"]),
            ),
            quotas=service.quota_status(election),
            turnout=service.turnout(election),
            voters=service.voters_of(actor, township, election_id)
            if office and election.channel == "online" and election.state == "voting"
            else [],
            can_edit=office,
            links=shown,
            today=service.today(),
        )
    )
    return _private(response) if shown else response


@pages.get("/<int:election_id>")
def election(election_id: int):
    return _render(election_id)


def _post(election_id: int, fn: Any, ok: str) -> Any:
    actor, township = township_scope()
    service.get_election(actor, township, election_id)  # a foreign id: 404, not a form error
    attempt(lambda: fn(actor, township), ok=ok)
    return redirect(url_for("by_elections.election", election_id=election_id))


@pages.post("/<int:election_id>/candidates")
def add_candidate(election_id: int):
    return _post(
        election_id,
        lambda a, t: service.add_candidate(
            a, t, election_id, load_input(ByElectionCandidateInputSchema, request.form, form=True)
        ),
        _("已报名"),
    )


@pages.post("/<int:election_id>/quotas")
def quotas(election_id: int):
    return _post(
        election_id,
        lambda a, t: service.set_quotas(
            a, t, election_id, load_input(ByElectionQuotasInputSchema, request.form, form=True)
        ),
        _("已保存结构名额"),
    )


@pages.post("/<int:election_id>/candidates/<int:candidate_id>/remove")
def remove_candidate(election_id: int, candidate_id: int):
    return _post(
        election_id,
        lambda a, t: service.remove_candidate(a, t, election_id, candidate_id),
        _("已移除"),
    )


def _step(election_id: int, use_case: Any, ok: str) -> Any:
    return _post(
        election_id,
        lambda a, t: use_case(
            a, t, election_id, load_input(ByElectionStepInputSchema, request.form, form=True)
        ),
        ok,
    )


@pages.post("/<int:election_id>/nomination")
def nomination(election_id: int):
    return _step(election_id, service.close_nomination, _("报名已结束"))


@pages.post("/<int:election_id>/recommendation")
def recommendation(election_id: int):
    return _post(
        election_id,
        lambda a, t: service.recommend(
            a, t, election_id, load_input(ByElectionRecommendInputSchema, request.form, form=True)
        ),
        _("已记录推选结果"),
    )


@pages.post("/<int:election_id>/notice")
def notice(election_id: int):
    return _step(election_id, service.publish_notice, _("已发布公示"))


@pages.post("/<int:election_id>/candidates/<int:candidate_id>/review")
def review(election_id: int, candidate_id: int):
    return _post(
        election_id,
        lambda a, t: service.review_candidate(
            a,
            t,
            election_id,
            candidate_id,
            load_input(ByElectionReviewInputSchema, request.form, form=True),
        ),
        _("已记录审查意见"),
    )


@pages.post("/<int:election_id>/review")
def review_done(election_id: int):
    return _step(election_id, service.close_review, _("审查已完成"))


@pages.post("/<int:election_id>/election")
def open_election(election_id: int):
    actor, township = township_scope()
    service.get_election(actor, township, election_id)
    issued = attempt(
        lambda: service.open_election(
            actor,
            township,
            election_id,
            load_input(ByElectionOpenInputSchema, request.form, form=True),
        ),
        ok=_("直选已开始"),
    )
    if issued:
        return _render(election_id, issued)
    return redirect(url_for("by_elections.election", election_id=election_id))


@pages.post("/<int:election_id>/voters/<int:voter_id>/link")
def reissue(election_id: int, voter_id: int):
    actor, township = township_scope()
    service.get_election(actor, township, election_id)
    link = attempt(lambda: service.reissue_link(actor, township, election_id, voter_id))
    if link is not None:
        flash(_("已为 %(n)s 生成新链接，原链接作废", n=link.name), "success")
        return _render(election_id, [link])
    return redirect(url_for("by_elections.election", election_id=election_id))


@pages.post("/<int:election_id>/count")
def count(election_id: int):
    return _post(
        election_id, lambda a, t: service.close_and_count(a, t, election_id), _("投票已结束并计票")
    )


@pages.post("/<int:election_id>/paper-count")
def paper_count(election_id: int):
    def run(actor: Any, township: Any) -> Any:
        election = service.get_election(actor, township, election_id)
        tallies = [
            {"candidate_id": c.id, "votes": request.form.get(f"votes-{c.id}") or "0"}
            for c in service.ballot_candidates(election)
        ]
        data = load_input(
            ByElectionPaperCountInputSchema,
            {"ballots": request.form.get("ballots"), "tallies": tallies},
        )
        return service.record_paper_count(actor, township, election_id, data)

    return _post(election_id, run, _("已录入计票结果"))


@pages.post("/<int:election_id>/announce")
def announce(election_id: int):
    return _post(
        election_id,
        lambda a, t: service.announce(
            a, t, election_id, load_input(ByElectionAnnounceInputSchema, request.form, form=True)
        ),
        _("已发布结果公告，当选人已列入代表名册"),
    )


# --- public: the notices and the ballot -----------------------------------------------------------


@public.get("/", endpoint="index")
def public_index():
    township = current_township()
    return render_template(
        "by_elections/public_index.html",
        public_page=True,
        elections=service.public_notices(township),
        branch=lambda e: service.branch_name(township, e.branch_id),
    )


@public.get("/<int:election_id>", endpoint="notice")
def public_notice(election_id: int):
    township = current_township()
    election = service.public_election(township, election_id)
    ends = service.notice_ends_on(election)
    return render_template(
        "by_elections/public_notice.html",
        public_page=True,
        e=election,
        branch=service.branch_name(township, election.branch_id),
        steps=service.steps_of(election),
        candidates=service.public_candidates(election),
        quotas=service.quota_status(election),
        notice_last=ends - timedelta(days=1) if ends else None,
    )


@public.get("/vote/<token>", endpoint="vote")
def vote_link(token: str):
    session[LINK_KEY] = {"township": current_township().slug, "secret": token}
    response = redirect(url_for("by_elections_public.ballot"))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@public.route("/vote", methods=["GET", "POST"], endpoint="ballot")
def ballot():
    township = current_township()
    kept = session.get(LINK_KEY) or {}
    token = str(kept.get("secret") or "") if kept.get("township") == township.slug else ""
    election, voter = service.voter_by_link(township, token)
    state = "form"
    if election.state != "voting":
        state = "closed"
    elif service.has_voted(election, voter):
        state = "voted"
    if request.method == "POST" and state == "form":
        try:
            service.cast_by_link(
                township, token, load_input(ByElectionBallotInputSchema, request.form, form=True)
            )
            state = "done"
        except (ValidationFailed, Conflict) as exc:
            flash_error(exc)
    return _private(
        make_response(
            render_template(
                "by_elections/ballot.html",
                public_page=True,
                e=election,
                candidates=service.ballot_candidates(election),
                state=state,
            )
        )
    )
