"""The case register (issue 25): the list's filters (station, channel, representative, unit,
category, registered dates in Shanghai), shared by the page, the API, the `.xlsx` and the printed
reception log; and the statistics sheet (month × channel × category × state).

Each test runs on SQLite and PostgreSQL, with the workstations module on (a case received at a
station names it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import event, update

from lianxin.auth.models import User
from lianxin.auth.roles import Role
from lianxin.casework import service as cases
from lianxin.casework.models import Case
from lianxin.casework.stages import registers
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import ValidationFailed
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations.models import Station
from lianxin.people import service as people
from lianxin.people.models import HandlingUnit, Representative
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor, build_world, grant, make_user
from tests.helpers import assert_error, bearer, login
from tests.modules.workstations.test_service import station_input

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13800138000"


@pytest.fixture
def app_modules():
    from lianxin.modules.workstations.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "workstations")
        .values(enabled=True)
    )
    db.session.commit()
    return built


@dataclass
class Book:
    """Our township's register: three cases, and one of the neighbouring township."""

    world: Any
    office: User
    unit_user: User
    rep_a: int
    rep_b: int
    roads: int  # the lead unit of `pothole`
    money: int  # its co-unit
    police: int  # a unit that sent `pothole` back
    station: int
    their_station: int
    their_rep: int
    their_unit: int
    pothole: int  # phone, 基础设施, rep A, 1 March 00:30 Shanghai; referred to roads + money
    lamp: int  # at the station, 民生保障, rep B, 28 February 23:30; answered on the spot, archived
    formula: int  # paper, 其他, title "=1+1", 10 April
    theirs: int

    @property
    def slug(self) -> str:
        return str(self.world.township.slug)


def _at(case_id: int, shanghai: datetime) -> None:
    db.session.execute(
        update(Case)
        .where(Case.id == case_id)
        .values(created_at=shanghai.replace(tzinfo=SHANGHAI).astimezone(UTC))
    )


def _rep(staff: Any, township: Any, name: str) -> int:
    return people.create_representative(
        staff,
        township,
        load_input(
            people.RepresentativeInputSchema,
            {
                "name": name,
                "gender": "女",
                "birth_date": "1975-03-01",
                "education": "大学本科",
                "category": "农民",
                "term": 13,
            },
        ),
    ).id


@pytest.fixture
def book(world) -> Book:
    township, other = world.township, world.other
    office = world.users["township_staff"]
    with tenant_context(other.id):
        their_station = Station(kind="village", name="乙镇联络站", address="", hours="", rules="")
        their_unit = HandlingUnit(name="乙镇交通办")
        db.session.add_all([their_station, their_unit])
        db.session.flush()
        their_rep = _rep(actor(world.users["other_admin"]), other, "乙镇代表")
        theirs = cases.register(
            actor(world.users["other_admin"]),
            other,
            cases.CaseInput(channel="phone", title="乙镇的诉求", body="乙镇。", category="其他"),
        ).case.id
        _at(theirs, datetime(2026, 3, 5, 10))
        db.session.commit()
        ids = (their_station.id, their_unit.id)
    with tenant_context(township.id):
        staff = actor(office)
        rep_a, rep_b = _rep(staff, township, "张秀英"), _rep(staff, township, "李建国")
        roads = people.create_unit(staff, township, people.UnitInput(name="镇交通办")).id
        money = people.create_unit(staff, township, people.UnitInput(name="镇财政所")).id
        police = people.create_unit(staff, township, people.UnitInput(name="镇派出所")).id
        station = ws.create_station(staff, township, station_input()).id
        pothole = cases.register(
            staff,
            township,
            cases.CaseInput(
                channel="phone",
                category="基础设施",
                title="村道破损",
                body="东村到镇上的道路坑洼。",
                raiser_name="李大爷",
                raiser_phone=PHONE,
                received_by_id=rep_a,
            ),
        ).case.id
        lamp = cases.register(
            staff,
            township,
            cases.CaseInput(
                channel="regular_visit",
                category="民生保障",
                title="路灯不亮",
                body="村口路灯坏了。",
                raiser_name="王大妈",
                raiser_phone="13900139000",
                received_by_id=rep_b,
                station_id=station,
            ),
        ).case.id
        formula = cases.register(
            staff,
            township,
            cases.CaseInput(channel="paper", category="其他", title="=1+1", body="@SUM(A1)"),
        ).case.id
        # The pothole goes to the police, who send it back; then to roads and money.
        cases.receive(staff, township, pothole)
        cases.refer(staff, township, pothole, cases.ReferInput(lead_unit_id=police))
        db.session.commit()
    unit_user = make_user("unit.roads")
    membership = grant(unit_user, Role.HANDLING_UNIT, township=township)
    membership.unit_id = roads
    police_user = make_user("unit.police")
    membership = grant(police_user, Role.HANDLING_UNIT, township=township)
    membership.unit_id = police
    db.session.commit()
    with tenant_context(township.id):
        cases.return_to_office(actor(police_user), township, pothole, "不属本单位")
        cases.refer(
            staff, township, pothole, cases.ReferInput(lead_unit_id=roads, co_unit_ids=[money])
        )
        cases.receive(staff, township, lamp)
        cases.handle_on_spot(staff, township, lamp, "已报修。")
        cases.give_feedback(staff, township, lamp, "电话告知")
        cases.archive(staff, township, lamp)
        # Either side of midnight in Shanghai on 28 February / 1 March (16:30 and 15:30 UTC).
        _at(pothole, datetime(2026, 3, 1, 0, 30))
        _at(lamp, datetime(2026, 2, 28, 23, 30))
        _at(formula, datetime(2026, 4, 10, 9))
        db.session.commit()
    db.session.expire_all()  # the rows the session holds keep their old times otherwise
    return Book(
        world,
        office,
        unit_user,
        rep_a,
        rep_b,
        roads,
        money,
        police,
        station,
        ids[0],
        their_rep,
        ids[1],
        pothole,
        lamp,
        formula,
        theirs,
    )


class Browser:
    """One user's test client (each request starts without the last one's user in `g`)."""

    def __init__(self, app: Any, user: User) -> None:
        self.client = app.test_client()
        g.pop("_login_user", None)
        login(self.client, user)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        g.pop("_login_user", None)
        return self.client.get(*args, **kwargs)


def _ids(book: Book, user: User | None = None, **query: Any) -> list[int]:
    with tenant_context(book.world.township.id):
        f = load_input(registers.CaseFilterSchema, query, form=True)
        rows, _total = cases.filtered_cases(
            actor(user or book.office), book.world.township, f, limit=None
        )
        return sorted(r.case.id for r in rows)


# --- the filter -----------------------------------------------------------------------------------


def test_each_filter_narrows_the_list(app, book):
    b = book
    assert _ids(b) == sorted([b.pothole, b.lamp, b.formula])
    assert _ids(b, channel="phone") == [b.pothole]
    assert _ids(b, category="民生保障") == [b.lamp]
    assert _ids(b, station_id=str(b.station)) == [b.lamp]
    assert _ids(b, representative_id=str(b.rep_a)) == [b.pothole]
    assert _ids(b, representative_id=str(b.rep_b)) == [b.lamp]
    # A unit that handles it, lead or co; the one that sent it back does not.
    assert _ids(b, unit_id=str(b.roads)) == [b.pothole]
    assert _ids(b, unit_id=str(b.money)) == [b.pothole]
    assert _ids(b, unit_id=str(b.police)) == []
    assert _ids(b, state="archived") == [b.lamp]
    assert _ids(b, q="路灯") == [b.lamp]
    # Shanghai dates, inclusive: 23:30 on 28 February is still February there.
    assert _ids(b, registered_from="2026-03-01") == sorted([b.pothole, b.formula])
    assert _ids(b, registered_to="2026-02-28") == [b.lamp]
    assert _ids(b, registered_from="2026-02-28", registered_to="2026-02-28") == [b.lamp]
    assert _ids(b, registered_from="2026-03-01", registered_to="2026-03-01") == [b.pothole]
    assert _ids(b, registered_from="2026-04-10", registered_to="2026-04-10") == [b.formula]
    assert _ids(b, registered_from="2026-04-11") == []
    # Filters combine; blanks are not given.
    assert _ids(b, channel="phone", category="民生保障") == []
    assert _ids(b, channel="", category="", station_id="", registered_to="") == sorted(
        [b.pothole, b.lamp, b.formula]
    )


def test_the_filter_keeps_to_what_the_user_may_see(app, book):
    b = book
    # The roads unit sees its own case only, whatever the filter says.
    assert _ids(b, b.unit_user) == [b.pothole]
    assert _ids(b, b.unit_user, category="民生保障") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"channel": "telepathy"}, "channel"),
        ({"category": "天气"}, "category"),
        ({"state": "lost"}, "state"),
        ({"representative_id": "0"}, "representative_id"),
        ({"unit_id": "-3"}, "unit_id"),
        ({"station_id": str(10**30)}, "station_id"),
        ({"representative_id": "abc"}, "representative_id"),
        ({"registered_from": "2026-02-30"}, "registered_from"),
        ({"registered_from": "1066-10-14"}, "registered_from"),
        ({"registered_from": "2026-03-02", "registered_to": "2026-03-01"}, "registered_to"),
        ({"overdue": "maybe"}, "overdue"),
    ],
)
def test_a_bad_value_is_said_in_chinese_on_the_page_and_is_422_on_the_api(app, book, query, field):
    office = Browser(app, book.office)
    page = office.get(f"/t/{book.slug}/cases/", query_string=query)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="case-filter"' in html and "has-error" in html
    for path in ("export.xlsx", "reception-log"):  # never a 500, never a file
        answer = office.get(f"/t/{book.slug}/cases/{path}", query_string=query)
        assert answer.status_code == 422 and answer.mimetype == "text/html"
    api = book.world.township.slug
    body = assert_error(
        app.test_client().get(
            f"/api/v1/t/{api}/cases/", query_string=query, headers=bearer(book.office)
        ),
        422,
    )
    assert field in body["errors"], body
    assert all("\u4e00" <= ch <= "\u9fff" for ch in body["errors"][field][0][:1]), body


def test_another_townships_ids_are_bad_values_not_a_way_in(app, book):
    """Their station, representative and unit are 422 here, as an unknown id is; their case
    is never listed."""
    b = book
    for key, value in (
        ("station_id", b.their_station),
        ("representative_id", b.their_rep),
        ("unit_id", b.their_unit),
    ):
        with pytest.raises(ValidationFailed) as refused:
            _ids(b, **{key: str(value)})
        assert key in refused.value.errors
        answer = app.test_client().get(
            f"/api/v1/t/{b.slug}/cases/", query_string={key: value}, headers=bearer(b.office)
        )
        assert_error(answer, 422)
    listed = app.test_client().get(f"/api/v1/t/{b.slug}/cases/", headers=bearer(b.office))
    assert b.theirs not in {c["id"] for c in listed.get_json()}


def test_the_api_list_takes_the_same_filter(app, book):
    b = book
    client = app.test_client()
    headers = bearer(b.office)

    def ids(**query: Any) -> list[int]:
        answer = client.get(f"/api/v1/t/{b.slug}/cases/", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return sorted(c["id"] for c in answer.get_json())

    assert ids(registered_from="2026-03-01") == sorted([b.pothole, b.formula])
    assert ids(station_id=b.station) == [b.lamp]
    assert ids(unit_id=b.money, channel="phone") == [b.pothole]
    assert ids(representative_id=b.rep_b, registered_to="2026-02-28") == [b.lamp]
    # The page's links carry the filter: the paged list keeps it.
    page = Browser(app, b.office).get(f"/t/{b.slug}/cases/", query_string={"channel": "paper"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "=1+1" in html and "路灯不亮" not in html
    assert "export.xlsx?channel=paper" in html and "reception-log?channel=paper" in html


# --- the .xlsx ------------------------------------------------------------------------------------


def _sheet(data: bytes, title: str | None = None) -> Any:
    book = load_workbook(BytesIO(data))
    return book[title] if title else book.worksheets[0]


def test_the_export_is_the_filtered_list_with_its_steps(app, book):
    b = book
    office = Browser(app, b.office)
    answer = office.get(
        f"/t/{b.slug}/cases/export.xlsx", query_string={"registered_from": "2026-02-28"}
    )
    assert answer.status_code == 200
    assert "filename*=UTF-8''" in answer.headers["Content-Disposition"]
    sheet = _sheet(answer.data)
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    assert header[:3] == ("编号", "登记日期", "标题") and "归档环节日期" in header
    assert len(set(header)) == len(header)
    body = {row[0]: dict(zip(header, row, strict=False)) for row in rows[3:]}
    assert set(body) == {b.pothole, b.lamp, b.formula}
    lamp = body[b.lamp]
    assert lamp["工作站"] == station_input().name and lamp["首问代表"] == "李建国"
    assert lamp["反映人"] == "王大妈" and lamp["联系电话"] == "13900139000"
    assert lamp["登记日期"].date() == date(2026, 2, 28)  # the Shanghai date
    assert lamp["归档环节日期"] is not None and lamp["状态"] == "已归档"
    assert "当场答复" in lamp["处理环节情况"]
    pothole = body[b.pothole]
    assert pothole["承办单位"] == "镇交通办、镇财政所"
    assert "交办" in pothole["处理环节情况"] and "镇交通办" in pothole["处理环节情况"]
    # A formula typed as a title comes back as text.
    cell = next(c for c in sheet.iter_rows(min_row=4) if c[0].value == b.formula)
    assert cell[2].value == "=1+1" and cell[2].data_type == "s"
    assert cell[3].value == "@SUM(A1)" and cell[3].data_type == "s"

    narrowed = _sheet(
        office.get(f"/t/{b.slug}/cases/export.xlsx", query_string={"channel": "phone"}).data
    )
    assert [r[0] for r in narrowed.iter_rows(min_row=4, values_only=True)] == [b.pothole]


def test_the_export_shows_the_person_only_as_the_privacy_rule_allows(app, book):
    """A committee member sees every case but not who raised it; the roads unit sees its own
    case's person."""
    b = book
    committee = Browser(app, b.world.users["committee_member"])
    sheet = _sheet(committee.get(f"/t/{b.slug}/cases/export.xlsx").data)
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    people_ = {r[0]: (r[header.index("反映人")], r[header.index("联系电话")]) for r in rows[3:]}
    assert people_[b.lamp] == ("—", "—") and people_[b.pothole] == ("—", "—")
    log = committee.get(f"/t/{b.slug}/cases/reception-log").get_data(as_text=True)
    assert "王大妈" not in log and PHONE not in log

    unit = Browser(app, b.unit_user)
    sheet = _sheet(unit.get(f"/t/{b.slug}/cases/export.xlsx").data)
    rows = list(sheet.iter_rows(values_only=True))
    assert [(r[0], r[8], r[9]) for r in rows[3:]] == [(b.pothole, "李大爷", PHONE)]


# --- the printed log ------------------------------------------------------------------------------


def test_the_reception_log_prints_a_column_per_step(app, book):
    b = book
    office = Browser(app, b.office)
    answer = office.get(
        f"/t/{b.slug}/cases/reception-log",
        query_string={"registered_from": "2026-02-01", "registered_to": "2026-03-31"},
    )
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "@page { size: A4 landscape" in html and "WenQuanYi Micro Hei" in html
    assert "甲镇接访登记簿" in html and "2026年2月1日 至 2026年3月31日" in html
    for step in ("登记", "接待", "处理", "回复", "反馈", "归档"):
        assert f"<th>{step}</th>" in html
    assert f'data-case="{b.lamp}"' in html and f'data-case="{b.pothole}"' in html
    assert f'data-case="{b.formula}"' not in html and "乙镇的诉求" not in html
    # Oldest first, as a paper log is written; both on one sheet.
    assert html.index(f'data-case="{b.lamp}"') < html.index(f'data-case="{b.pothole}"')
    assert html.count('class="sheet"') == 1 and "第 1 页 共 1 页" in html
    lamp = html.split(f'data-case="{b.lamp}"')[1].split("</tr>")[0]
    assert "2026-02-28" in lamp and "王大妈" in lamp and "李建国" in lamp
    assert "当场答复" in lamp and "已归档" in lamp and station_input().name in lamp


def test_the_log_is_cut_into_sheets_of_a_fixed_number_of_rows(app, book, monkeypatch):
    b = book
    monkeypatch.setattr(registers, "ROWS_PER_PAGE", 2)
    html = Browser(app, b.office).get(f"/t/{b.slug}/cases/reception-log").get_data(as_text=True)
    assert html.count('class="sheet"') == 2 and "第 2 页 共 2 页" in html
    monkeypatch.setattr(registers, "PRINT_LIMIT", 2)
    html = Browser(app, b.office).get(f"/t/{b.slug}/cases/reception-log").get_data(as_text=True)
    assert 'id="too-many"' in html and 'class="sheet"' not in html
    empty = Browser(app, b.office).get(
        f"/t/{b.slug}/cases/reception-log", query_string={"registered_from": "2030-01-01"}
    )
    assert empty.status_code == 200 and "没有符合条件的诉求" in empty.get_data(as_text=True)


# --- the statistics sheet -------------------------------------------------------------------------


def _line(html: str, key: str) -> list[str]:
    import re

    row = html.split(f'data-line="{key}"')[1].split("</tr>")[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_the_statistics_count_by_month_channel_category_and_state(app, book):
    b = book
    with tenant_context(b.world.township.id):
        stats = registers.statistics(
            actor(b.office), b.world.township, registers.StatisticsInput(year=2026)
        )
    assert stats.totals.counts[:5] == (0, 1, 1, 1, 0) and stats.totals.total == 3
    channels = {line.key: line.counts for line in stats.channels}
    assert channels["regular_visit"][1] == 1 and channels["phone"][2] == 1
    assert channels["paper"][3] == 1
    states = {line.key: line.total for line in stats.states}
    assert states["archived"] == 1 and states["referred"] == 1 and states["registered"] == 1
    assert (1, "regular_visit", "民生保障", "archived", 1) in stats.cells
    assert len(stats.cells) == 3  # the neighbour's March case is not ours

    office = Browser(app, b.office)
    page = office.get(f"/t/{b.slug}/cases/statistics", query_string={"year": 2026})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _line(html, "total") == ["0", "1", "1", "1", *["0"] * 8, "3"]
    assert _line(html, "基础设施")[2] == "1"
    assert 'id="stats-print"' in html and "statistics.xlsx?year=2026" in html
    # A date range: March only (1 March 00:30 Shanghai is March there).
    march = office.get(
        f"/t/{b.slug}/cases/statistics",
        query_string={"registered_from": "2026-03-01", "registered_to": "2026-03-31"},
    ).get_data(as_text=True)
    assert _line(march, "total") == ["1", "1"]
    # The unit counts what it may see.
    unit = Browser(app, b.unit_user).get(f"/t/{b.slug}/cases/statistics?year=2026")
    assert _line(unit.get_data(as_text=True), "total")[-1] == "1"


def test_the_statistics_print_and_xlsx(app, book):
    b = book
    office = Browser(app, b.office)
    html = office.get(f"/t/{b.slug}/cases/statistics/print?year=2026").get_data(as_text=True)
    assert "@page { size: A4;" in html and "甲镇接访统计表" in html
    assert _line(html, "total")[-1] == "3"
    answer = office.get(f"/t/{b.slug}/cases/statistics.xlsx?year=2026")
    assert answer.status_code == 200
    workbook = load_workbook(BytesIO(answer.data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "项目" and rows[2][1] == "1月" and rows[2][-1] == "合计"
    assert rows[-1][0] == "合计" and rows[-1][-1] == 3 and rows[-1][2] == 1
    detail = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert ("2月", "工作站常规接待", "民生保障", "已归档", 1) in detail


@pytest.mark.parametrize(
    "query",
    [
        {"year": "1999"},
        {"year": "abc"},
        {"registered_from": "2025-01-01", "registered_to": "2026-01-31"},  # 13 months
        {"registered_from": "2026-03-01"},  # the end missing
        {"registered_from": "2026-03-02", "registered_to": "2026-03-01"},
    ],
)
def test_a_bad_period_is_said_on_the_page(app, book, query):
    office = Browser(app, book.office)
    for path in ("statistics", "statistics/print", "statistics.xlsx"):
        answer = office.get(f"/t/{book.slug}/cases/{path}", query_string=query)
        assert answer.status_code == 422 and answer.mimetype == "text/html"
        assert "has-error" in answer.get_data(as_text=True) or path != "statistics"


def test_another_township_reads_its_own_register_only(app, book):
    b = book
    other = Browser(app, b.world.users["other_admin"])
    other_slug = b.world.other.slug
    html = other.get(f"/t/{other_slug}/cases/reception-log").get_data(as_text=True)
    assert "乙镇的诉求" in html and "路灯不亮" not in html
    stats = other.get(f"/t/{other_slug}/cases/statistics?year=2026").get_data(as_text=True)
    assert _line(stats, "total")[-1] == "1"
    # Our station is not theirs to filter by; our township's pages are not theirs at all.
    assert (
        other.get(f"/t/{other_slug}/cases/", query_string={"station_id": b.station}).status_code
        == 422
    )
    assert other.get(f"/t/{b.slug}/cases/reception-log").status_code in (403, 404)
    assert other.get(f"/t/{b.slug}/cases/statistics.xlsx").status_code in (403, 404)
    with tenant_context(b.world.township.id):
        assert db.session.get(Representative, (b.world.township.id, b.rep_a)) is not None


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    bind = db.session.get_bind()
    engine = getattr(bind, "engine", bind)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_the_sheet_and_the_log_read_a_fixed_number_of_queries(app, book):
    """GROUP BY for the statistics, a query per kind of history for the log: ten more cases
    cost no more statements."""
    b = book
    township = b.world.township

    def read() -> tuple[int, int]:
        db.session.expire_all()
        with tenant_context(township.id), _statements() as seen:
            registers.statistics(actor(b.office), township, registers.StatisticsInput(year=2026))
            counted = len(seen)
            registers.reception_log(actor(b.office), township, registers.CaseFilter())
            return counted, len(seen) - counted

    before = read()
    with tenant_context(township.id):
        for i in range(10):
            made = cases.register(
                actor(b.office),
                township,
                cases.CaseInput(channel="phone", title=f"诉求{i}", body="内容", category="其他"),
            ).case.id
            cases.receive(actor(b.office), township, made)
            _at(made, datetime(2026, 5 + i % 3, 2, 10))
        db.session.commit()
    assert read() == before
    assert sum(1 for s in _group_by_statements(b) if "GROUP BY" in s) == 1


def _group_by_statements(b: Book) -> list[str]:
    with tenant_context(b.world.township.id), _statements() as seen:
        registers.statistics(
            actor(b.office), b.world.township, registers.StatisticsInput(year=2026)
        )
    return [s for s in seen if "cases" in s]
