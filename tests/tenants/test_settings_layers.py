"""County defaults and township settings are two layers: an update changes exactly the keys it
names, a township's explicit choice survives a county change, `null` (or the page's
"恢复县级默认") removes one override, choice settings are selects, errors are Chinese."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select, update

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.factories import actor
from tests.helpers import assert_error, bearer, login


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.liaison.module import MODULE as LIAISON
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, SESSIONS, LIAISON)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key.in_(["annual_sessions", "liaison"]))
        .values(enabled=True)
    )
    db.session.commit()
    return built


class _Forms(HTMLParser):
    """The fields a browser would post from each form of a page, by the form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action", ""), [])
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") == "submit":
                return
            self._form.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._selected, self._first = a["name"], None, None
        elif tag == "option" and self._select is not None:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a:
                self._selected = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            value = self._selected if self._selected is not None else self._first
            self._form.append((self._select, value or ""))
            self._select = None


def _post_form(client: Any, page: str, action: str, **changes: Any) -> Any:
    """Read the page, fill in `changes` as a user would (a value, or True/False for a box,
    `reset=[...]` ticks "恢复…默认"), and post the form as the browser sends it."""
    parser = _Forms()
    parser.feed(client.get(page).get_data(as_text=True))
    fields = parser.forms[action]
    resets = changes.pop("reset", [])
    out: list[tuple[str, str]] = []
    for name, value in fields:
        if name in changes and isinstance(changes[name], bool):
            continue  # the box is (re)ticked below; its hidden "0" is kept
        out.append((name, str(changes[name]) if name in changes else value))
    for name, value in changes.items():
        if isinstance(value, bool):
            out.append((name, "0"))
            if value:
                out.append((name, "1"))
    out.extend(("reset", name) for name in resets)
    return client.post(action, data=_multi(out))


def _multi(pairs: list[tuple[str, str]]) -> Any:
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


def _own(township_id: int, key: str) -> dict[str, Any]:
    db.session.expire_all()
    return dict(db.session.get(TownshipModule, (township_id, key)).settings)


def _settings_audit(chain: str, action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.action == action)
            .order_by(AuditEntry.seq)
        )
    )


def test_township_page_choice_survives_a_county_default_change(app, world, client):
    t, o = world.township, world.other
    login(client, world.users["township_admin"])
    page = f"/t/{t.slug}/settings"
    done = _post_form(client, page, f"/t/{t.slug}/settings/annual_sessions", quorum_percent=90)
    assert done.status_code == 302
    done = _post_form(client, page, f"/t/{t.slug}/settings/liaison", members_per_rep=3)
    assert done.status_code == 302
    # The page changed exactly the field the admin changed.
    assert _own(t.id, "annual_sessions") == {"quorum_percent": 90}
    assert _own(t.id, "liaison") == {"members_per_rep": 3}

    county = bearer(world.users["county_admin"])
    base = f"/api/v1/c/{world.county.slug}/settings"
    response = client.patch(
        f"{base}/liaison", headers=county, json={"settings": {"reminder_days": 20}}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["county_defaults"] == {"reminder_days": 20}
    response = client.patch(
        f"{base}/annual_sessions", headers=county, json={"settings": {"quorum_percent": 75}}
    )
    assert response.status_code == 200

    mine = tenants.effective_settings(t.id, "annual_sessions")
    assert mine["quorum_percent"] == 90  # the township's own choice stays
    liaison = tenants.effective_settings(t.id, "liaison")
    assert liaison["members_per_rep"] == 3 and liaison["reminder_days"] == 20
    # Moved in the other township (which has no choice of its own) only by the county.
    assert tenants.effective_settings(o.id, "annual_sessions")["quorum_percent"] == 75
    assert tenants.effective_settings(o.id, "liaison")["members_per_rep"] == 2
    # The far county is untouched.
    assert tenants.effective_settings(world.far.id, "liaison")["reminder_days"] == 15


def test_patch_of_the_agenda_deadline_keeps_the_quorum(app, world, client):
    t = world.township
    county = bearer(world.users["county_admin"])
    url = f"/api/v1/c/{world.county.slug}/townships/{t.id}/modules/annual_sessions"
    assert (
        client.patch(url, headers=county, json={"settings": {"quorum_percent": 90}}).status_code
        == 200
    )
    response = client.patch(url, headers=county, json={"settings": {"agenda_days_before": 7}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["settings"]["quorum_percent"] == 90
    assert body["settings"]["agenda_days_before"] == 7
    assert body["overrides"] == {"quorum_percent": 90, "agenda_days_before": 7}
    # The township's own API changes exactly what it names, too.
    own = bearer(world.users["township_admin"])
    response = client.patch(
        f"/api/v1/t/{t.slug}/settings/annual_sessions",
        headers=own,
        json={"settings": {"joint_proposers": 12}},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _own(t.id, "annual_sessions") == {
        "quorum_percent": 90,
        "agenda_days_before": 7,
        "joint_proposers": 12,
    }
    assert _own(world.other.id, "annual_sessions") == {}
    # Each audit row names exactly the keys it changed.
    rows = _settings_audit(f"t:{t.id}", "module.settings_changed")
    assert [(r.before, r.after) for r in rows] == [
        ({"quorum_percent": None}, {"quorum_percent": 90}),
        ({"agenda_days_before": None}, {"agenda_days_before": 7}),
        ({"joint_proposers": None}, {"joint_proposers": 12}),
    ]
    # Naming a value it already has changes nothing and is not audited again.
    client.patch(url, headers=county, json={"settings": {"agenda_days_before": 7}})
    assert len(_settings_audit(f"t:{t.id}", "module.settings_changed")) == 3


def test_put_that_would_drop_keys_it_does_not_name_is_refused(app, world, client):
    t = world.township
    county = bearer(world.users["county_admin"])
    url = f"/api/v1/c/{world.county.slug}/townships/{t.id}/modules/annual_sessions"
    client.patch(url, headers=county, json={"settings": {"quorum_percent": 90}})
    refused = client.put(url, headers=county, json={"settings": {"agenda_days_before": 7}})
    body = assert_error(refused, 409, "settings_keys_dropped")
    assert list(body["errors"]) == ["quorum_percent"]
    assert _own(t.id, "annual_sessions") == {"quorum_percent": 90}
    # Naming every key (null: back to the county default) replaces.
    done = client.put(
        url, headers=county, json={"settings": {"quorum_percent": None, "agenda_days_before": 7}}
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    assert _own(t.id, "annual_sessions") == {"agenda_days_before": 7}
    spec = client.get("/api/openapi.json").get_json()
    ops = spec["paths"]["/api/v1/c/{county_slug}/townships/{township_id}/modules/{key}"]
    assert "patch" in ops
    put_doc = ops["put"]["summary"] + ops["put"].get("description", "")
    assert "replace" in put_doc.lower() and "409" in ops["put"]["responses"]


def test_null_removes_one_override_back_to_the_county_default(app, world, client):
    t = world.township
    admin = actor(world.users["county_admin"])
    tenants.update_county_defaults(admin, world.county, "annual_sessions", {"quorum_percent": 75})
    tenants.update_module_settings(
        admin, world.county, t.id, "annual_sessions", {"quorum_percent": 90, "joint_proposers": 5}
    )
    own = bearer(world.users["township_admin"])
    response = client.patch(
        f"/api/v1/t/{t.slug}/settings/annual_sessions",
        headers=own,
        json={"settings": {"quorum_percent": None}},
    )
    assert response.status_code == 200
    assert response.get_json()["settings"]["quorum_percent"] == 75
    assert _own(t.id, "annual_sessions") == {"joint_proposers": 5}
    tenants.update_county_defaults(admin, world.county, "annual_sessions", {"quorum_percent": 70})
    assert tenants.effective_settings(t.id, "annual_sessions")["quorum_percent"] == 70
    # The page's "恢复县级默认" does the same for one field.
    login(client, world.users["township_admin"])
    done = _post_form(
        client,
        f"/t/{t.slug}/settings",
        f"/t/{t.slug}/settings/annual_sessions",
        reset=["joint_proposers"],
    )
    assert done.status_code == 302
    assert _own(t.id, "annual_sessions") == {}
    rows = _settings_audit(f"t:{t.id}", "module.settings_changed")
    assert (rows[-1].before, rows[-1].after) == ({"joint_proposers": 5}, {"joint_proposers": None})


def test_explicit_choice_equal_to_the_county_default_survives_its_change(app, world):
    t = world.township
    admin = actor(world.users["county_admin"])
    tenants.update_township_settings(
        actor(world.users["township_admin"]), t, "annual_sessions", {"quorum_percent": 80}
    )
    assert _own(t.id, "annual_sessions") == {"quorum_percent": 80}
    tenants.update_county_defaults(admin, world.county, "annual_sessions", {"quorum_percent": 75})
    assert tenants.effective_settings(t.id, "annual_sessions")["quorum_percent"] == 80
    assert tenants.effective_settings(world.other.id, "annual_sessions")["quorum_percent"] == 75


def test_county_defaults_patch_keeps_the_other_defaults(app, world, client):
    county = bearer(world.users["county_admin"])
    url = f"/api/v1/c/{world.county.slug}/settings/annual_sessions"
    client.patch(url, headers=county, json={"settings": {"quorum_percent": 75}})
    response = client.patch(url, headers=county, json={"settings": {"agenda_days_before": 7}})
    assert response.get_json()["county_defaults"] == {
        "quorum_percent": 75,
        "agenda_days_before": 7,
    }
    response = client.patch(url, headers=county, json={"settings": {"quorum_percent": None}})
    assert response.get_json()["county_defaults"] == {"agenda_days_before": 7}
    assert tenants.effective_settings(world.other.id, "annual_sessions")["quorum_percent"] == 80
    rows = _settings_audit(f"c:{world.county.id}", "county.module_defaults_changed")
    assert [(r.before, r.after) for r in rows] == [
        ({"quorum_percent": None}, {"quorum_percent": 75}),
        ({"agenda_days_before": None}, {"agenda_days_before": 7}),
        ({"quorum_percent": 75}, {"quorum_percent": None}),
    ]
    # The county's page changes only the field changed there, and shows whose value it is.
    login(client, world.users["county_admin"])
    page = f"/c/{world.county.slug}/settings"
    done = _post_form(client, page, f"{page}/annual_sessions", quorum_percent=85)
    assert done.status_code == 302
    assert world.county.module_defaults["annual_sessions"] == {
        "agenda_days_before": 7,
        "quorum_percent": 85,
    }
    text = client.get(page).get_data(as_text=True)
    assert "县级设置" in text and "平台默认" in text and "恢复平台默认" in text


def test_a_county_default_that_breaks_a_townships_choice_is_refused(app, world, client):
    t = world.township
    tenants.update_township_settings(
        actor(world.users["township_admin"]), t, "casework", {"simple_days": 45}
    )
    county = bearer(world.users["county_admin"])
    refused = client.patch(
        f"/api/v1/c/{world.county.slug}/settings/casework",
        headers=county,
        json={"settings": {"max_days": 40}},
    )
    body = assert_error(refused, 409, "settings_conflict")
    assert t.name in body["message"]
    db.session.expire_all()
    assert world.county.module_defaults.get("casework", {}) == {}
    assert tenants.effective_settings(t.id, "casework")["simple_days"] == 45
    # The same default at 45 fits, and leaves the township's choice as it is.
    tenants.update_county_defaults(
        actor(world.users["county_admin"]), world.county, "casework", {"max_days": 45}
    )
    assert tenants.effective_settings(t.id, "casework")["simple_days"] == 45
    assert tenants.effective_settings(t.id, "casework")["max_days"] == 45


def test_township_page_shows_whose_value_each_setting_is(app, world, client):
    t = world.township
    tenants.update_township_settings(
        actor(world.users["township_admin"]), t, "annual_sessions", {"quorum_percent": 90}
    )
    login(client, world.users["township_admin"])
    text = client.get(f"/t/{t.slug}/settings").get_data(as_text=True)
    quorum = text.split('data-setting="quorum_percent"')[1].split('data-setting="')[0]
    assert "本乡镇设置" in quorum and "恢复县级默认" in quorum and "80" in quorum
    agenda = text.split('data-setting="agenda_days_before"')[1].split('data-setting="')[0]
    assert "县级默认" in agenda and "本乡镇设置" not in agenda
    # The county's page of this township shows the same.
    login(client, world.users["county_admin"])
    text = client.get(f"/c/{world.county.slug}/townships/{t.id}").get_data(as_text=True)
    quorum = text.split('data-setting="quorum_percent"')[1].split('data-setting="')[0]
    assert "本乡镇设置" in quorum


def _day_count_select(text: str) -> str:
    assert '<select id="s-casework-day_count" name="day_count"' in text
    return text.split('name="day_count"')[1].split("</select>")[0]


@pytest.mark.parametrize("who", ["township_admin", "county_admin"])
def test_day_count_is_a_select_on_every_settings_page(app, world, client, who):
    from lianxin.modules.registry import current_registry

    field = dict(current_registry().get("casework").settings_fields())["day_count"]
    labels = {k: str(v) for k, v in dict(field.metadata.get("choices") or {}).items()}
    login(client, world.users[who])
    pages = (
        [f"/t/{world.township.slug}/settings"]
        if who == "township_admin"
        else [
            f"/c/{world.county.slug}/settings",
            f"/c/{world.county.slug}/townships/{world.township.id}",
        ]
    )
    for page in pages:
        options = _day_count_select(client.get(page).get_data(as_text=True))
        for value in ("calendar", "working"):
            assert f'value="{value}"' in options
            assert f">{labels.get(value, value)}</option>" in options
    # The pass rule of the annual session, too: its labels are in its metadata.
    if who == "township_admin":
        text = client.get(pages[0]).get_data(as_text=True)
        assert '<select id="s-annual_sessions-pass_rule" name="pass_rule"' in text
        assert "应到代表的半数" in text


def test_invalid_choice_is_refused_in_chinese_and_changes_nothing(app, world, client):
    t = world.township
    login(client, world.users["township_admin"])
    page = f"/t/{t.slug}/settings"
    action = f"/t/{t.slug}/settings/casework"
    before = _own(t.id, "casework")
    audits = len(_settings_audit(f"t:{t.id}", "module.settings_changed"))
    bad = _post_form(client, page, action, day_count="weekly", max_days="61")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "请从列表中选择" in text and "应在 1 到 60 之间" in text
    assert "Must be one of" not in text and "greater than" not in text
    assert _own(t.id, "casework") == before
    response = client.patch(
        f"/api/v1/t/{t.slug}/settings/casework",
        headers=bearer(world.users["township_admin"]),
        json={"settings": {"day_count": "weekly"}},
    )
    body = assert_error(response, 422, "validation_error")
    assert body["errors"] == {"day_count": ["请从列表中选择"]}
    response = client.patch(
        f"/api/v1/c/{world.county.slug}/townships/{t.id}/modules/casework",
        headers=bearer(world.users["county_admin"]),
        json={"settings": {"max_days": 0, "no_such": 1}},
    )
    body = assert_error(response, 422, "validation_error")
    assert body["errors"]["no_such"] == ["未知的设置项"]
    assert _own(t.id, "casework") == before
    assert len(_settings_audit(f"t:{t.id}", "module.settings_changed")) == audits
    # A valid choice from the select is saved.
    done = _post_form(client, page, action, day_count="working")
    assert done.status_code == 302
    assert _own(t.id, "casework") == {"day_count": "working"}
    assert tenants.effective_settings(world.other.id, "casework")["day_count"] == "calendar"
