"""The audit log in words: every action the code records has a Chinese name, every object and
field it names a Chinese word, and the pages show `字段：旧值 → 新值` lines, never codes or JSON."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from lianxin.audit import labels
from lianxin.audit import service as audit
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants import service as tenants
from lianxin.tenants.inputs import BranchInput
from tests.factories import actor
from tests.helpers import bearer, login

PLATFORM = Path(__file__).resolve().parents[1] / "platform"
# The wrappers that add a prefix to the action they are given (`_audit("submit", …)`).
PREFIXES = {
    "modules/proposals": "proposal.",
    "modules/evaluations": "evaluation.",
    "modules/annual_sessions": "annual_session.",
}
RECORDERS = {"record", "_audit", "_audit_in_every_scope"}


def _recorded() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(actions, object kinds, field names) the source records, each with a file naming it."""
    actions: dict[str, str] = {}
    targets: dict[str, str] = {}
    names: dict[str, str] = {}
    for path in PLATFORM.rglob("*.py"):
        where = str(path.relative_to(PLATFORM))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            # action = "township.suspended" if … else "township.reactivated"
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.IfExp)
                and any(isinstance(t, ast.Name) and t.id == "action" for t in node.targets)
            ):
                for side in (node.value.body, node.value.orelse):
                    if isinstance(side, ast.Constant) and "." in str(side.value):
                        actions.setdefault(side.value, where)
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in RECORDERS:
                continue
            if name == "record" and not (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "audit"
            ):
                continue
            first = node.args[0]
            prefix = next((p for k, p in PREFIXES.items() if where.startswith(k)), "")
            # `_audit("publish" if published else "unpublish", …)`: both.
            sides = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for side in sides:
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    actions.setdefault((prefix if name == "_audit" else "") + side.value, where)
            if name == "_audit" and len(node.args) > 3 and isinstance(node.args[3], ast.Constant):
                targets.setdefault(node.args[3].value, where)
            for keyword in node.keywords:
                if keyword.arg == "target_type" and isinstance(keyword.value, ast.Constant):
                    targets.setdefault(keyword.value.value, where)
                elif keyword.arg in ("before", "after") and isinstance(keyword.value, ast.Dict):
                    for key in keyword.value.keys:
                        if isinstance(key, ast.Constant):
                            names.setdefault(key.value, where)
                elif name != "record" and keyword.arg is not None:
                    names.setdefault(keyword.arg, where)  # a wrapper's **after
    # casework records `case.<step>` for every step it moves a case through.
    for path in (PLATFORM / "casework" / "stages").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "_move"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                actions.setdefault(f"case.{node.args[1].value}", path.name)
    return actions, targets, names


ACTIONS, TARGETS, NAMES = _recorded()


def _root(path: Path) -> str:
    """The part a file belongs to: `modules/<key>`, else its top folder."""
    parts = path.relative_to(PLATFORM).parts
    return "/".join(parts[:2]) if parts[0] == "modules" and len(parts) > 2 else parts[0]


def _wrapper_prefix(fn: ast.FunctionDef) -> str | None:
    """The prefix a function puts before its first parameter when it passes that on to
    `audit.record` as the action (`f"proposal.{action}"`: "proposal."), None if it does not."""
    if not fn.args.args:
        return None
    param = fn.args.args[0].arg
    for node in ast.walk(fn):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "record"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "audit"
            and node.args
        ):
            continue
        first = node.args[0]
        if isinstance(first, ast.Name) and first.id == param:
            return ""
        if (
            isinstance(first, ast.JoinedStr)
            and len(first.values) == 2
            and isinstance(first.values[0], ast.Constant)
            and isinstance(first.values[1], ast.FormattedValue)
            and isinstance(first.values[1].value, ast.Name)
            and first.values[1].value.id == param
        ):
            return str(first.values[0].value)
    return None


def _through_wrappers() -> dict[str, str]:
    """Every action given as a constant to any function that hands it on to `audit.record`,
    found from the source (no list of wrapper names to keep up to date)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PLATFORM.rglob("*.py")}
    wrappers: dict[tuple[str, str], str] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                prefix = _wrapper_prefix(node)
                if prefix is not None:
                    wrappers[(_root(path), node.name)] = prefix
    actions: dict[str, str] = {}
    for path, tree in trees.items():
        root = _root(path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            prefix = wrappers.get((root, name))
            if prefix is None:
                continue
            first = node.args[0]
            sides = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for side in sides:
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    actions.setdefault(prefix + side.value, str(path.relative_to(PLATFORM)))
    return actions


def test_every_action_handed_to_a_wrapper_has_a_chinese_name():
    found = _through_wrappers()
    # The wrappers are found, not listed: the proposals' and the casework's among them.
    assert "proposal.submit" in found and "annual_session.open" in found
    assert len(found) > 60
    missing = {code: where for code, where in found.items() if code not in labels.ACTIONS}
    assert not missing, missing


def test_every_kind_of_action_has_a_name_for_the_filter():
    from lianxin.audit import browse

    kinds = {browse.family_of(code) for code in (*labels.ACTIONS, *ACTIONS)}
    assert not kinds - set(browse.FAMILIES), kinds - set(browse.FAMILIES)
    for family, word in browse.FAMILIES.items():
        assert re.search(r"[\u4e00-\u9fff]", str(word)), family
        assert browse.family_actions(family), family  # no empty choice in the filter


def test_the_source_is_read():
    assert len(ACTIONS) > 120 and "workstation.create" in ACTIONS and "case.rate" in ACTIONS
    assert "township.suspended" in ACTIONS and "proposal.submit" in ACTIONS
    assert "proposal.unpublish" in ACTIONS
    assert "case" in TARGETS and "state" in NAMES


def test_every_recorded_action_has_a_chinese_name():
    missing = {code: where for code, where in ACTIONS.items() if code not in labels.ACTIONS}
    assert not missing, missing


def test_every_object_and_field_has_a_chinese_word():
    assert not {t: w for t, w in TARGETS.items() if t not in labels.TARGETS}
    assert not {n: w for n, w in NAMES.items() if n not in labels.FIELDS}


def test_words_are_chinese():
    for table in (labels.ACTIONS, labels.TARGETS, labels.FIELDS):
        for code, word in table.items():
            assert re.search(r"[\u4e00-\u9fff]", str(word)), code


def test_an_unknown_code_shows_as_itself(app):
    with app.test_request_context("/"):
        assert labels.action_label("made.up") == "made.up"
        assert labels.action_label("workstation.create") == "新建工作站"
        assert labels.field_label("made_up") == "made_up"
        assert labels.target_label("made_up", "3") == "made_up #3"


def test_changes_read_as_lines(app):
    with app.test_request_context("/"):
        lines = labels.changes(
            {"gender": "female", "is_county_rep": False, "phone": "138", "name": "张三"},
            {"gender": "male", "is_county_rep": True, "phone": None, "name": "张三"},
            "representative",
        )
        assert [(c.field, c.before, c.after) for c in lines] == [
            ("性别", "女", "男"),
            ("县党代表", "否", "是"),
            ("电话", "138", "空"),
        ]
        created = labels.changes(None, {"state": "registered", "channel": "phone"}, "case")
        assert [(c.field, c.before, c.after) for c in created] == [
            ("状态", None, "已登记"),
            ("来源渠道", None, "电话"),
        ]
        removed = labels.changes({"ids": [3, 5]}, None, "workstation")
        assert [(c.field, c.before, c.after) for c in removed] == [("编号", "3、5", "（无）")]
        # A time stored in UTC is shown in China time; a nested value in words.
        assert labels.value_text("expires_at", "2027-03-01 16:30:00+00:00") == "2027-03-02 00:30"
        assert labels.value_text("settings", {"enabled": True}) == "开通：是"
        # Keys that are codes, module keys, and a setting's choices, in words.
        assert labels.value_text("by_state", {"received": 2}, "reception_day") == "已接待：2"
        assert labels.value_text("modules", ["pilot", "survey"]) == "走访试点、民意调查"
        assert labels.field_label("modules") == "开通的模块"


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _line(field: str, old: str, new: str) -> str:
    return (
        f'{field}</span>：<span class="audit-before">{old}</span> → '
        f'<span class="audit-after">{new}</span>'
    )


def _no_codes_or_json(page: str, *codes: str) -> None:
    # The filter form's options carry codes as their values; the log itself shows words.
    log = page.split('id="audit-log"', 1)[1]
    for code in codes:
        assert code not in log
    assert '{"' not in page and "&#34;" not in page and "&quot;" not in page


def test_the_township_log_reads_in_chinese(app, world, client):
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        branch = tenants.create_branch(admin, world.township, BranchInput(name="东村党支部"))
        tenants.update_labels(admin, world.township, {"workstation": "工作室"})
        audit.record(
            "representative.updated",
            actor=admin,
            tenant_id=world.township.id,
            target_type="representative",
            target_id=7,
            before={"gender": "female", "category": "farmer", "is_county_rep": False},
            after={"gender": "male", "category": "farmer", "is_county_rep": True},
        )
        db.session.commit()
    login(client, world.users["township_admin"])
    page = _page(client, f"/t/{world.township.slug}/audit")
    assert "新建支部" in page and f"支部 #{branch.id}" in page
    assert '名称</span>：<span class="audit-after">东村党支部' in page
    assert "修改称谓" in page and "工作室" in page
    assert "修改代表信息" in page and "代表 #7" in page
    assert (
        '性别</span>：<span class="audit-before">女</span> → <span class="audit-after">男' in page
    )
    assert "代表类别" not in page  # unchanged fields are not listed
    _no_codes_or_json(page, "branch.created", "representative.updated", "female", "farmer")


def test_the_county_and_platform_logs_read_in_chinese(app, world, client):
    county_admin = actor(world.users["county_admin"])
    tenants.set_module_enabled(county_admin, world.county, world.township.id, "survey", False)
    db.session.commit()
    login(client, world.users["county_admin"])
    page = _page(client, f"/c/{world.county.slug}/audit")
    assert "开通或关闭模块" in page and "模块：民意调查" in page
    assert (
        '开通</span>：<span class="audit-before">是</span> → <span class="audit-after">否' in page
    )
    _no_codes_or_json(page, "module.switched", "township_module")
    assert client.get("/admin/audit").status_code == 403

    client.post("/logout")
    tenants.create_county(
        actor(world.users["platform"]),
        name="丙县",
        slug="bing",
        admin_username="bing.admin",
        admin_name="丙县管理员",
    )
    db.session.commit()
    login(client, world.users["platform"])
    page = _page(client, "/admin/audit")
    assert "新建县（区）" in page and "丙县" in page
    _no_codes_or_json(page, "county.created")
    assert "审计日志" in _page(client, "/admin/")


@pytest.mark.parametrize("who", ["township_staff", "representative", "other_admin"])
def test_only_the_township_admin_reads_its_log(app, world, client, who):
    login(client, world.users[who])
    assert client.get(f"/t/{world.township.slug}/audit").status_code in (403, 404)


def test_the_api_gives_the_name_beside_the_code(app, world, client):
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        tenants.create_branch(admin, world.township, BranchInput(name="西村党支部"))
    response = client.get(
        f"/api/v1/t/{world.township.slug}/audit", headers=bearer(world.users["township_admin"])
    )
    assert response.status_code == 200
    entry = response.get_json()[0]
    assert entry["action"] == "branch.created" and entry["action_label"] == "新建支部"
