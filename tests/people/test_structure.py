"""Structure statistics (代表结构): figures counted by hand on a small known roster."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lianxin.casework.deadlines import shanghai_today
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound
from lianxin.people import service as people
from lianxin.people import statistics
from lianxin.people.models import Representative
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import assert_error, bearer, login

ON = date(2026, 6, 30)

# name, gender, birth date, ethnicity, education, category, level, basic-level leading cadre
# Ages on 2026-06-30 in the comment; the birthdays on that very day sit on band boundaries.
ROSTER = [
    ("张秀英", "女", "1975-03-01", "汉族", "大学本科", "农民", "乡镇", "否"),  # 51
    ("李明", "男", "1991-07-01", "汉族", "研究生", "专业技术", "乡镇", "否"),  # 34: a day short
    ("王芳", "女", "1991-06-30", "土家族", "大学专科", "其他基层", "乡镇", "是"),  # 35 today
    ("赵强", "男", "1976-06-30", "汉族", "大学本科", "领导干部", "乡镇和县", "是"),  # 50 today
    ("刘洋", "男", "1976-07-01", "汉族", "大学本科", "领导干部", "县", "否"),  # 49
    ("陈静", "女", "1966-06-30", "苗族", "中专", "农民", "乡镇", "否"),  # 60 today
    ("杨勇", "男", "1966-07-01", "汉族", "初中", "非公经济", "乡镇", "否"),  # 59
    ("黄磊", "男", "1985-01-15", "汉族", "大学本科", "军警", "乡镇", "否"),  # 41
    ("周敏", "女", "1995-12-12", "土家族", "大学本科", "其他基层", "乡镇", "否"),  # 30
    ("吴刚", "男", "1980-05-05", "汉族", "大学专科", "农民", "乡镇", "是"),  # 46
]
ENDED = ("郑华", "女", "1970-01-01", "汉族", "大学本科", "农民", "乡镇", "否")
ENDED_ON = date(2025, 1, 1)

SUMMARY = (
    "共有代表10名，结构比例为：领导干部代表占20%、专业技术人员代表占10%、农民代表占30%、"
    "非公经济人士代表占10%、军警代表占10%、其他基层代表占20%，其中妇女代表占40%，"
    "50岁以下代表占60%，少数民族代表占30%，基层代表占60%。"
)


def add_rep(township, admin, row, **extra):
    name, gender, born, ethnicity, education, category, level, cadre = row
    with tenant_context(township.id):
        rep = people.create_representative(
            admin,
            township,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": name,
                    "gender": gender,
                    "birth_date": born,
                    "ethnicity": ethnicity,
                    "education": education,
                    "category": category,
                    "level": level,
                    "is_grassroots_cadre": cadre,
                    "term": 13,
                    **extra,
                },
            ),
        )
        return rep.id


@pytest.fixture
def admin(world):
    return actor(world.users["township_admin"])


@pytest.fixture
def roster(world, admin):
    """The ten in office, and one whose qualification ended on 2025-01-01."""
    ids = [add_rep(world.township, admin, row) for row in ROSTER]
    ended = add_rep(world.township, admin, ENDED)
    with tenant_context(world.township.id):
        people.end_qualification(admin, world.township, ended, reason="transferred", on=ENDED_ON)
    return ids, ended


def counts(rows):
    return {r.key: (r.count, r.share) for r in rows}


def figures(world, admin, on=ON):
    with tenant_context(world.township.id):
        return statistics.structure(admin, world.township, on)


# --- arithmetic (no database) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (1, 16, 6.3),
        (3, 16, 18.8),
        (0, 5, 0.0),
        (5, 5, 100.0),
        (0, 0, None),
        (3, 0, None),
    ],
)
def test_share_rounds_half_up_from_integers(count, total, expected):
    assert statistics.share(count, total) == expected


def test_percent_text():
    assert statistics.percent(27.0) == "27%"
    assert statistics.percent(26.5) == "26.5%"
    assert statistics.percent(0.0) == "0%"
    assert statistics.percent(None) == "—"


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@pytest.mark.parametrize(
    "on",
    [
        date(2026, 6, 30),
        date(2028, 2, 29),
        date(2027, 2, 28),
        date(2027, 3, 1),
        date(2026, 1, 1),
        date(2026, 12, 31),
    ],
)
def test_birthday_cutoff_agrees_with_age_in_whole_years(on):
    """birth <= cutoff(on, n) exactly when the age on `on` is at least n (29 Feb included)."""
    for years in (35, 50, 60):
        cutoff = statistics.birthday_cutoff(on, years)
        start = cutoff - timedelta(days=800)
        for offset in range(1600):
            born = start + timedelta(days=offset)
            assert (born <= cutoff) == (_age(born, on) >= years), (on, years, born)


# --- the figures --------------------------------------------------------------------------------


def test_hand_counted_roster(app, world, admin, roster):
    s = figures(world, admin)
    assert s.total == 10  # the ended representative is not counted
    assert counts(s.by_gender) == {"male": (6, 60.0), "female": (4, 40.0)}
    assert [r.label for r in s.by_gender] == ["男", "女"]
    assert counts(s.by_age_band) == {
        "under_35": (2, 20.0),
        "35_49": (4, 40.0),
        "50_59": (3, 30.0),
        "60_plus": (1, 10.0),
    }
    assert counts(s.by_education) == {
        "postgraduate": (1, 10.0),
        "bachelor": (5, 50.0),
        "college": (2, 20.0),
        "secondary": (1, 10.0),
        "junior": (1, 10.0),
    }
    assert counts(s.by_category) == {
        "leading_cadre": (2, 20.0),
        "professional": (1, 10.0),
        "farmer": (3, 30.0),
        "private_economy": (1, 10.0),
        "military_police": (1, 10.0),
        "other_grassroots": (2, 20.0),
    }
    assert counts(s.by_ethnic_group) == {"han": (7, 70.0), "minority": (3, 30.0)}
    assert [(r.label, r.count, r.share) for r in s.by_ethnicity] == [
        ("汉族", 7, 70.0),
        ("土家族", 2, 20.0),
        ("苗族", 1, 10.0),
    ]
    assert counts(s.by_level) == {
        "township_only": (8, 80.0),
        "county_only": (1, 10.0),
        "both": (1, 10.0),
    }
    assert counts(s.grassroots_cadre) == {"yes": (3, 30.0), "no": (7, 70.0)}
    assert s.headline == {
        "women_share": 40.0,
        "under_50_share": 60.0,
        "minority_share": 30.0,
        "grassroots_share": 60.0,
    }
    assert s.summary == SUMMARY


def test_age_bands_move_on_the_birthday(app, world, admin, roster):
    """A day earlier, the three people with a birthday on 2026-06-30 are a year younger."""
    s = figures(world, admin, ON - timedelta(days=1))
    # 王芳 34 (under 35), 赵强 49 (35–49), 陈静 59 (50–59).
    assert counts(s.by_age_band) == {
        "under_35": (3, 30.0),
        "35_49": (4, 40.0),
        "50_59": (3, 30.0),
        "60_plus": (0, 0.0),
    }
    assert s.under_50_share == 70.0
    # A day later, 李明, 刘洋 and 杨勇 have had their birthdays too.
    s = figures(world, admin, ON + timedelta(days=1))
    assert counts(s.by_age_band) == {
        "under_35": (1, 10.0),
        "35_49": (4, 40.0),
        "50_59": (3, 30.0),
        "60_plus": (2, 20.0),
    }


def test_a_day_before_the_qualification_ended_counts_the_person(app, world, admin, roster):
    s = figures(world, admin, ENDED_ON - timedelta(days=1))
    assert s.total == 11
    assert s.women == 5
    assert figures(world, admin, ENDED_ON).total == 10  # ended that day: no longer counted


def test_other_townships_are_not_counted(app, world, admin, roster):
    other_admin = actor(world.users["other_admin"])
    add_rep(world.other, other_admin, ROSTER[0])
    assert figures(world, admin).total == 10
    with tenant_context(world.other.id):
        assert statistics.structure(other_admin, world.other, ON).total == 1


def test_zero_representatives(app, world, admin):
    s = figures(world, admin)
    assert s.total == 0
    for _key, _title, rows in s.dimensions():
        assert all(r.count == 0 and r.share is None for r in rows)
    assert s.by_ethnicity == []
    assert s.headline == {
        "women_share": None,
        "under_50_share": None,
        "minority_share": None,
        "grassroots_share": None,
    }
    assert s.summary == "暂无在任代表。"


def test_read_permission(app, world, roster):
    with tenant_context(world.township.id), pytest.raises(NotFound):
        statistics.structure(actor(world.users["far_admin"]), world.township, ON)
    # Anyone of the township may read it, a representative included.
    with tenant_context(world.township.id):
        s = statistics.structure(actor(world.users["representative"]), world.township, ON)
    assert s.total == 10


def test_counted_by_group_by_not_by_loading_rows(app, world, admin, roster):
    """No Representative object is loaded to count (a township may have thousands)."""
    db.session.expunge_all()
    figures(world, admin)
    assert not [o for o in db.session.identity_map.values() if isinstance(o, Representative)]


# --- the API ------------------------------------------------------------------------------------


def test_api_shape(app, world, roster, client):
    url = f"/api/v1/t/{world.township.slug}/representatives/structure?on=2026-06-30"
    response = client.get(url, headers=bearer(world.users["township_staff"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {
        "total",
        "on",
        "summary",
        "by_gender",
        "by_age_band",
        "by_education",
        "by_category",
        "by_ethnic_group",
        "by_ethnicity",
        "by_level",
        "grassroots_cadre",
        "headline",
    }
    assert body["total"] == 10
    assert body["on"] == "2026-06-30"
    assert body["summary"] == SUMMARY
    assert body["by_gender"] == [
        {"key": "male", "label": "男", "count": 6, "share": 60.0},
        {"key": "female", "label": "女", "count": 4, "share": 40.0},
    ]
    assert [r["key"] for r in body["by_age_band"]] == ["under_35", "35_49", "50_59", "60_plus"]
    assert body["headline"] == {
        "women_share": 40.0,
        "under_50_share": 60.0,
        "minority_share": 30.0,
        "grassroots_share": 60.0,
    }


def test_api_defaults_to_today_and_zero_is_null(app, world, client):
    url = f"/api/v1/t/{world.township.slug}/representatives/structure"
    body = client.get(url, headers=bearer(world.users["township_admin"])).get_json()
    assert body["on"] == shanghai_today().isoformat()
    assert body["total"] == 0
    assert body["by_gender"][0] == {"key": "male", "label": "男", "count": 0, "share": None}
    assert body["headline"]["women_share"] is None


@pytest.mark.parametrize("bad", ["2026-13-01", "1990.13.01", "yesterday", ""])
def test_api_bad_date_is_422_naming_on(app, world, client, bad):
    url = f"/api/v1/t/{world.township.slug}/representatives/structure?on={bad}"
    body = assert_error(
        client.get(url, headers=bearer(world.users["township_admin"])), 422, "validation_error"
    )
    assert set(body["errors"]) == {"on"}


def test_api_of_another_township_is_404(app, world, client):
    url = f"/api/v1/t/{world.township.slug}/representatives/structure"
    assert_error(client.get(url, headers=bearer(world.users["far_admin"])), 404, "not_found")
    assert_error(client.get(url), 401, "unauthenticated")


def test_api_in_openapi(app, client):
    doc = client.get("/api/openapi.json").get_json()
    path = doc["paths"]["/api/v1/t/{township_slug}/representatives/structure"]["get"]
    assert [p["name"] for p in path["parameters"] if p["in"] == "query"] == ["on"]
    schema = path["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Structure"}
    fields = doc["components"]["schemas"]["Structure"]["properties"]
    assert {"total", "summary", "by_gender", "headline"} <= set(fields)
    assert doc["components"]["schemas"]["StructureRow"]["properties"]["share"]["nullable"]


# --- the page -----------------------------------------------------------------------------------


def test_structure_page(app, world, roster, client):
    login(client, world.users["township_staff"])
    response = client.get(f"/t/{world.township.slug}/people/structure?on=2026-06-30")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert SUMMARY in html
    assert 'value="2026-06-30"' in html
    for title in ("性别", "年龄", "学历", "代表类别", "民族", "代表层级", "基层领导干部"):
        assert f"<h2>{title}</h2>" in html
    assert "不满35岁" in html and "60岁及以上" in html
    assert 'style="width: 40.0%"' in html  # the women's bar


def test_structure_page_without_representatives(app, world, client):
    login(client, world.users["township_admin"])
    html = client.get(f"/t/{world.township.slug}/people/structure").get_data(as_text=True)
    assert "暂无在任代表。" in html
    assert "—" in html


def test_structure_page_bad_date(app, world, client):
    login(client, world.users["township_admin"])
    response = client.get(f"/t/{world.township.slug}/people/structure?on=1990.13.01")
    assert response.status_code == 400
    assert "日期无效：1990.13.01" in response.get_data(as_text=True)


def test_structure_page_of_another_township_is_404(app, world, client):
    login(client, world.users["far_admin"])
    assert client.get(f"/t/{world.township.slug}/people/structure").status_code == 404
