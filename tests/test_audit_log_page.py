"""The audit log's pages: filters that filter (in SQL, on one chain), pages of 50, links that stay
in the township, the `.xlsx` export of the same filter, the chains' verification status for the
county and the platform, and Chinese messages for bad filter values."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from lianxin.audit import browse, status
from lianxin.audit import service as audit
from lianxin.audit.models import AuditEntry
from lianxin.auth.actor import Actor
from lianxin.db import db
from tests.factories import actor
from tests.helpers import login
from tests.web.visible_text import english_words


def _at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(audit, "utcnow", lambda: moment)


def _write(world: Any, action: str, *, who: str = "township_admin", township: Any = None, **kw):
    township = township or world.township
    entry = audit.record(action, actor=actor(world.users[who]), tenant_id=township.id, **kw)
    return entry


def _page(client: Any, url: str, status_code: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status_code, (url, response.status_code)
    return response.get_data(as_text=True)


def _seqs(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="audit-(\d+)"', page)]


def _total(page: str) -> int:
    found = re.search(r"共 (\d+) 条", page)
    assert found, "no total on the page"
    return int(found.group(1))


def test_filters_filter_by_actor_kind_object_and_shanghai_day(app, world, client, monkeypatch):
    # 2026-03-01 23:59 and 2026-03-02 00:00 in Shanghai, either side of midnight.
    late = datetime(2026, 3, 1, 15, 59, tzinfo=UTC)
    early = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    _at(monkeypatch, late)
    by_admin = _write(world, "case.register", target_type="case", target_id=1)
    _at(monkeypatch, early)
    by_staff = _write(
        world,
        "representative.updated",
        who="township_staff",
        target_type="representative",
        target_id=7,
        before={"gender": "female"},
        after={"gender": "male"},
    )
    _at(monkeypatch, early + timedelta(days=1))
    system = audit.record(
        "case.due_recomputed",
        actor=Actor(None, "system"),
        tenant_id=world.township.id,
        target_type="case",
        target_id=1,
    )
    db.session.commit()
    login(client, world.users["township_admin"])
    base = f"/t/{world.township.slug}/audit"
    assert _seqs(_page(client, base)) == [system.seq, by_staff.seq, by_admin.seq]

    staff_id = world.users["township_staff"].id
    assert _seqs(_page(client, f"{base}?actor={staff_id}")) == [by_staff.seq]
    assert _seqs(_page(client, f"{base}?actor=0")) == [system.seq]  # the platform itself
    assert _seqs(_page(client, f"{base}?family=case")) == [system.seq, by_admin.seq]
    assert _seqs(_page(client, f"{base}?family=representative")) == [by_staff.seq]
    assert _seqs(_page(client, f"{base}?target=representative")) == [by_staff.seq]
    # Dates are Shanghai days, both ends inclusive.
    assert _seqs(_page(client, f"{base}?date_to=2026-03-01")) == [by_admin.seq]
    assert _seqs(_page(client, f"{base}?date_from=2026-03-02&date_to=2026-03-02")) == [by_staff.seq]
    assert _seqs(_page(client, f"{base}?date_from=2026-03-01&date_to=2026-03-02")) == [
        by_staff.seq,
        by_admin.seq,
    ]
    both = _page(client, f"{base}?family=case&actor={world.users['township_admin'].id}&date_from=")
    assert _seqs(both) == [by_admin.seq] and _total(both) == 1
    # The filter's choices: who wrote entries here, the platform itself first.
    page = _page(client, base)
    assert ">无账号（系统、群众）</option>" in page
    assert f'id="audit-{system.seq}"' in page and "system" not in page.split('id="audit-log"')[1]
    assert f'value="{staff_id}"' in page
    # A narrowed page that matches nothing says so.
    assert "没有符合条件的记录" in _page(client, f"{base}?family=proposal")


def test_pages_of_fifty_with_links_that_keep_the_filter(app, world, client):
    for i in range(120):
        _write(
            world, "branch.updated", target_type="branch", target_id=i, after={"name": f"支部{i}"}
        )
    _write(world, "case.register", target_type="case", target_id=1)
    db.session.commit()
    login(client, world.users["township_admin"])
    base = f"/t/{world.township.slug}/audit"
    first = _page(client, f"{base}?family=branch")
    assert _total(first) == 120 and len(_seqs(first)) == 50
    assert "第 1 / 3 页" in first
    assert f"{base}?family=branch&amp;page=2" in first  # the next page keeps the filter
    third = _page(client, f"{base}?family=branch&page=3")
    assert len(_seqs(third)) == 20 and min(_seqs(third)) == 1
    assert set(_seqs(first)).isdisjoint(_seqs(third))
    # Past the end: the last page, not an empty one or an error.
    assert _seqs(_page(client, f"{base}?family=branch&page=99")) == _seqs(third)
    # A page of the whole log, on a phone: 50 compact entries, no table.
    whole = _page(client, base)
    assert len(_seqs(whole)) == 50 and "<table" not in whole.split('id="audit-log"', 1)[1]


def test_a_township_admin_never_sees_another_townships_entries(app, world, client):
    mine = _write(world, "case.register", target_type="case", target_id=5)
    theirs = _write(
        world,
        "case.register",
        who="other_admin",
        township=world.other,
        target_type="case",
        target_id=5,
        after={"title": "乙镇的秘密"},
    )
    far = _write(
        world, "case.register", who="far_admin", township=world.far, after={"title": "远镇的秘密"}
    )
    db.session.commit()
    login(client, world.users["township_admin"])
    base = f"/t/{world.township.slug}/audit"
    other_admin = world.users["other_admin"].id
    for query in (
        "",
        f"?actor={other_admin}",
        f"?actor={world.users['far_admin'].id}",
        "?family=case",
        "?target=case",
        f"?actor={other_admin}&family=case&date_from=2000-01-01",
        f"?chain=t:{world.other.id}",  # not a filter: ignored, the chain is the page's
        f"?tenant_id={world.other.id}",
    ):
        page = _page(client, base + query)
        assert "乙镇的秘密" not in page and "远镇的秘密" not in page, query
        assert set(_seqs(page)) <= {mine.seq}, query
    assert _total(_page(client, f"{base}?actor={other_admin}")) == 0
    # Nor in the export with the same crafted filter.
    data = client.get(f"{base}.xlsx?actor={other_admin}").data
    assert load_workbook(BytesIO(data)).active.max_row == 1  # the header only
    # The object links into this township only.
    page = _page(client, base)
    assert f'href="/t/{world.township.slug}/cases/5"' in page
    assert f"/t/{world.other.slug}/" not in page
    # The other township's admin does not read this log at all.
    client.post("/logout")
    login(client, world.users["other_admin"])
    assert client.get(base).status_code in (403, 404)
    assert client.get(f"{base}.xlsx").status_code in (403, 404)
    assert theirs.seq and far.seq


def test_objects_link_to_their_pages_where_one_exists(app, world, client):
    _write(world, "representative.updated", target_type="representative", target_id=7)
    _write(world, "branch.updated", target_type="branch", target_id=3)
    _write(world, "membership.granted", target_type="membership", target_id=9)
    _write(world, "case.attach", target_type="case", target_id="x1")  # not an id: words only
    db.session.commit()
    login(client, world.users["township_admin"])
    slug = world.township.slug
    page = _page(client, f"/t/{slug}/audit")
    assert f'<a class="audit-target" href="/t/{slug}/people/7">代表 #7</a>' in page
    assert f'<a class="audit-target" href="/t/{slug}/branches/3">支部 #3</a>' in page
    assert '<span class="audit-target">角色 #9</span>' in page
    assert '<span class="audit-target">诉求 #x1</span>' in page


def test_the_county_log_links_only_to_its_own_townships(app, world, client):
    county_admin = actor(world.users["county_admin"])
    for township in (world.township, world.far):
        audit.record(
            "county.drill_down",
            actor=county_admin,
            county_id=world.county.id,
            target_type="township",
            target_id=township.id,
        )
    db.session.commit()
    login(client, world.users["county_admin"])
    page = _page(client, f"/c/{world.county.slug}/audit")
    assert f'href="/c/{world.county.slug}/townships/{world.township.id}"' in page
    assert f"/townships/{world.far.id}" not in page  # another county's township: no link
    assert f"乡镇 #{world.far.id}" in page


def test_the_chain_status_shows_for_the_county_and_the_platform_not_the_township(
    app, world, client
):
    _write(world, "case.register", target_type="case", target_id=1)
    db.session.commit()
    login(client, world.users["township_admin"])
    township_page = _page(client, f"/t/{world.township.slug}/audit")
    assert 'id="audit-chains"' not in township_page and "立即核验" not in township_page
    assert client.post(f"/t/{world.township.slug}/audit").status_code == 405

    client.post("/logout")
    login(client, world.users["county_admin"])
    url = f"/c/{world.county.slug}/audit"
    page = _page(client, url)
    assert 'id="audit-chains"' in page and "立即核验" in page
    assert f'data-chain="t:{world.township.id}"' in page and world.township.name in page
    assert f'data-chain="t:{world.far.id}"' not in page  # another county's township
    assert "尚未核验" in page  # no checkpoint yet

    # 立即核验: checks, signs a checkpoint, and is itself audited.
    response = client.post(url)
    assert response.status_code == 302
    page = _page(client, url)
    assert "均未发现篡改" in page
    chain_row = page.split(f'data-chain="t:{world.township.id}"', 1)[1].split("</li>", 1)[0]
    assert "已核验" in chain_row and "至第 1 条" in chain_row
    assert "立即核验审计日志" in page  # the entry, in words
    assert "最近一次立即核验" in page
    checked = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "audit.checked")
    ).one()
    assert checked.county_id == world.county.id and checked.after["broken"] == []
    assert checked.after["chains"] == 3  # the county's and its two townships'

    assert not english_words(page), english_words(page)

    client.post("/logout")
    login(client, world.users["county_viewer"])
    assert client.post(url).status_code in (403, 404)
    client.post("/logout")
    login(client, world.users["platform"])
    page = _page(client, "/admin/audit")
    assert 'id="audit-chains"' in page and 'data-chain="platform"' in page
    assert f'data-chain="c:{world.county.id}"' in page


@pytest.mark.sqlite_only  # on PostgreSQL the app role cannot UPDATE audit entries
def test_a_broken_chain_shows_on_the_county_page(app, world, client):
    chain = f"t:{world.township.id}"
    for i in range(3):
        _write(world, "case.register", target_type="case", target_id=i)
    db.session.commit()
    audit.checkpoint_all(chain)  # checkpoint #3, as the hourly task would
    _write(world, "case.archive", target_type="case", target_id=9)
    db.session.commit()
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.chain == chain, AuditEntry.seq == 4)
        .values(after={"forged": True})
    )
    db.session.commit()
    login(client, world.users["county_admin"])
    url = f"/c/{world.county.slug}/audit"
    row = _page(client, url).split(f'data-chain="{chain}"', 1)[1].split("</li>", 1)[0]
    assert "至第 3 条" in row and "其后 1 条待核验" in row  # the view does not walk the chain
    client.post(url)
    page = _page(client, url)
    row = page.split(f'data-chain="{chain}"', 1)[1].split("</li>", 1)[0]
    assert "立即核验发现异常（第 4 条起）" in row and "is-broken" in page
    assert "发现 1 条异常" in page
    # An entry at the checkpoint changed: seen on each view, without a walk.
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.chain == chain, AuditEntry.seq == 3)
        .values(hash="0" * 64)
    )
    db.session.commit()
    state = status.chain_status(chain)
    assert not state.ok and "differs from the checkpoint" in (state.problem or "")


def test_the_export_round_trips_with_the_filter(app, world, client):
    who = replace(actor(world.users["township_admin"]), name="=1+1")  # a name like a formula
    audit.record(
        "representative.updated",
        actor=who,
        tenant_id=world.township.id,
        target_type="representative",
        target_id=7,
        before={"gender": "female", "note": "短"},
        after={"gender": "male", "note": "长" * 300},
    )
    _write(world, "case.register", target_type="case", target_id=1)
    db.session.commit()
    login(client, world.users["township_admin"])
    base = f"/t/{world.township.slug}/audit"
    page = _page(client, f"{base}?family=representative")
    assert f"{base}.xlsx?family=representative" in page  # the link keeps the filter
    assert "长" * 120 + "…" in page and "长" * 121 not in page  # long text shortened
    response = client.get(f"{base}.xlsx?family=representative")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("序号", "时间（北京时间）", "操作人", "角色", "操作类别", "操作", "对象")
    assert len(rows) == 2  # the case entry is filtered out
    _seq, _when, name, _role, family, action, target, lines, _ip = rows[1]
    assert name == "=1+1" and sheet.cell(row=2, column=3).data_type == "s"
    assert (family, action, target) == ("代表", "修改代表信息", "代表 #7")
    assert "性别：女 → 男" in lines and "长" * 300 in lines  # the export keeps it whole
    everything = load_workbook(BytesIO(client.get(f"{base}.xlsx").data)).active
    assert everything.max_row == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-13-01", "日期无效"),
        ("date_from=2026-03-05&date_to=2026-03-01", "开始日期不能晚于截止日期"),
        ("date_to=9999-12-31", "2000 年至 2099 年"),
        ("actor=abc", "应为整数"),
        ("actor=-3", "操作人无效"),
        ("actor=99999999999999999999999", "操作人无效"),
        ("family=nope", "没有这一类操作"),
        ("target=nope", "没有这一类对象"),
        ("page=0", "页码无效"),
        ("page=abc", "应为整数"),
        (".xlsx?family=case&date_from=x", "日期无效"),  # the export: the same message
    ],
)
def test_bad_filter_values_give_a_chinese_message(app, world, client, query, message):
    _write(world, "case.register", target_type="case", target_id=1)
    db.session.commit()
    login(client, world.users["township_admin"])
    query = query if query.startswith(".xlsx") else f"?{query}"
    page = _page(client, f"/t/{world.township.slug}/audit{query}", 422)
    assert "筛选条件有误" in page and message in page
    assert 'id="audit-1"' not in page  # no entries under a filter that was not understood


def test_personal_values_follow_the_viewers_rights(app, world):
    from lianxin.people.privacy import PUBLIC, Audience, Viewer

    entry = AuditEntry(
        action="representative.updated",
        target_type="representative",
        target_id="7",
        before={"phone": "13800000000", "gender": "female"},
        after={"phone": "13900000000", "gender": "male"},
    )
    office = Viewer(frozenset({Audience.OFFICE}))
    county = Viewer(frozenset({Audience.COUNTY}))
    with app.test_request_context("/"):
        seen = {line.field: (line.before, line.after) for line in browse.lines(entry, office)}
        assert seen == {"电话": ("13800000000", "13900000000"), "性别": ("女", "男")}
        for viewer in (county, PUBLIC):
            lines = browse.lines(entry, viewer)
            phone = next(line for line in lines if line.field == "电话")
            assert phone.hidden and (phone.before, phone.after) == ("—", "—")
        # The county sees a representative's structure (gender), the public does not.
        assert ("女", "男") in {(x.before, x.after) for x in browse.lines(entry, county)}
        assert all(x.hidden for x in browse.lines(entry, PUBLIC))


def test_the_filter_schema_is_typed_and_round_trips_its_query(app):
    with app.test_request_context("/"):
        flt = browse.parse_filter(
            {"actor": "3", "family": "case", "date_from": " 2026-03-01 ", "target": "", "page": "2"}
        )
        assert flt == browse.AuditFilter(
            actor=3, family="case", date_from=datetime(2026, 3, 1).date(), page=2
        )
        assert flt.args() == {"actor": 3, "family": "case", "date_from": "2026-03-01", "page": 2}
        assert browse.parse_filter(flt.args()) == flt
        assert browse.parse_filter({}) == browse.AuditFilter() and not browse.AuditFilter().narrowed
        assert "case.archive" in browse.family_actions("case")
        assert not any(a.startswith("group_activity.") for a in browse.family_actions("group"))


def test_a_stale_checkpoint_is_flagged(app, world, monkeypatch):
    _at(monkeypatch, datetime.now(UTC) - timedelta(hours=3))
    _write(world, "case.register", target_type="case", target_id=1)
    db.session.commit()
    state = status.chain_status(f"t:{world.township.id}")
    assert state.ok and state.checkpoint is None and state.pending == 1 and state.stale


def test_every_linked_page_exists_in_the_platform(tmp_path):
    from lianxin.app import create_app
    from lianxin.audit import labels, links
    from lianxin.modules.registry import load_first_party
    from tests.conftest import base_config

    flask_app = create_app(
        base_config(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}"), modules=load_first_party()
    )
    rules = {rule.endpoint: rule for rule in flask_app.url_map.iter_rules()}
    registry = flask_app.extensions["lianxin.registry"]
    every_module = [spec.key for spec in registry]
    township_pages = registry.object_pages(every_module)
    # Each part declares its own; together they cover what the log used to link by hand.
    assert {"case", "representative", "branch", "proposal", "commitment"} <= set(township_pages)
    for pages, scope in (
        (township_pages, "township_slug"),
        (links.COUNTY_PAGES, "county_slug"),
    ):
        for kind, page in pages.items():
            assert kind in labels.TARGETS, kind
            rule = rules.get(page.endpoint)
            assert rule is not None and "GET" in (rule.methods or ()), page.endpoint
            assert rule.arguments == {scope, page.arg}, page.endpoint


def test_the_platform_checks_its_chains_and_a_store_down_is_no_500(app, world, client, monkeypatch):
    from lianxin.audit import checkpoints
    from lianxin.storage.backends import StorageError

    login(client, world.users["platform"])
    response = client.post("/admin/audit")
    assert response.status_code == 302
    checked = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "audit.checked")
    ).one()
    assert checked.chain == "platform" and checked.county_id is None
    assert checked.after["chains"] == 3  # the platform's and the two counties'

    def down() -> Any:
        raise StorageError("bucket unreachable")

    monkeypatch.setattr(checkpoints, "checkpoint_store", down)
    page = _page(client, "/admin/audit")
    assert "发现异常" in page and "is-broken" in page  # unreadable is not "verified"
    client.post("/admin/audit")
    assert "检查点存储暂时无法读取" in _page(client, "/admin/audit")
    assert (
        len(
            db.session.scalars(
                select(AuditEntry.id).where(AuditEntry.action == "audit.checked")
            ).all()
        )
        == 1
    )


def test_the_api_takes_the_pages_filters_and_refuses_bad_ones_with_json(app, world, client):
    """`GET /api/v1/t/<slug>/audit` filters as the page does (who, kind, object, Shanghai
    dates) beside its own paging; a bad value is a structured 422, not an ignored one."""
    from tests.helpers import assert_error, bearer

    by_admin = _write(world, "case.register", target_type="case", target_id=1)
    by_staff = _write(
        world, "representative.updated", who="township_staff", target_type="representative"
    )
    _write(world, "case.register", township=world.other, who="other_admin", target_type="case")
    db.session.commit()
    headers = bearer(world.users["township_admin"])
    url = f"/api/v1/t/{world.township.slug}/audit"

    def seqs(query: str) -> list[int]:
        response = client.get(f"{url}{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [e["seq"] for e in response.get_json()]

    everything = seqs("")
    assert by_admin.seq in everything and by_staff.seq in everything
    assert seqs(f"?actor={world.users['township_staff'].id}") == [by_staff.seq]
    assert seqs("?family=case") == [by_admin.seq]
    assert seqs("?target=representative&page=1&page_size=10") == [by_staff.seq]
    # Another township's admin as the actor: nothing of theirs comes through our chain.
    assert seqs(f"?actor={world.users['other_admin'].id}") == []
    response = client.get(f"{url}?family=case", headers=headers)
    assert response.headers.get("X-Pagination") and '"total": 1' in response.headers["X-Pagination"]
    for bad in (
        "?family=nope",
        "?date_from=2026-13-01",
        "?date_from=2026-03-02&date_to=2026-03-01",
    ):
        assert_error(client.get(f"{url}{bad}", headers=headers), 422)


def _with_proposals() -> tuple[Any, ...]:
    from lianxin.modules.proposals.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.mark.parametrize("app_modules", [_with_proposals()])
def test_a_modules_objects_link_only_where_the_township_runs_it(app, world, client, app_modules):
    """The module declares its object pages (`ModuleSpec.object_pages`); a township that has it
    switched off gets the words without a link."""
    from lianxin.tenants.models import TownshipModule

    _write(world, "proposal.submit", target_type="proposal", target_id=5)
    db.session.commit()
    login(client, world.users["township_admin"])
    slug = world.township.slug
    link = f'<a class="audit-target" href="/t/{slug}/proposals/5">'

    def switch(on: bool) -> None:
        db.session.execute(
            update(TownshipModule)
            .where(
                TownshipModule.township_id == world.township.id,
                TownshipModule.module_key == "proposals",
            )
            .values(enabled=on)
        )
        db.session.commit()

    switch(False)
    page = _page(client, f"/t/{slug}/audit")
    assert link not in page and '<span class="audit-target">提案 #5</span>' in page
    switch(True)
    assert link in _page(client, f"/t/{slug}/audit")
