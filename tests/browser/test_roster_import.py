"""A township admin imports a 200-row roster in a real browser: three bad rows are named on the
preview, the fixed file is imported, and the structure statistics count 200 more people.

The live server (demo county, CSRF on, eager Celery) is told to send imports over 100 rows to
the Celery task, so the commit takes the task's code path as a large import does in production.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot

pytestmark = pytest.mark.browser

SLUG = "chengguan"
DESKTOP = {"width": 1280, "height": 900}
HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "学历",
    "类别",
    "是否基层领导干部",
    "选举单位",
    "代表小组",
    "代表层级",
    "届次",
    "手机号",
    "工作单位",
    "职务",
]
BRANCHES = ["东关村党支部", "西关村党支部", "新华社区党支部", "城南社区党支部", "光明机械厂党支部"]
GROUPS = ["农业代表小组", "工业代表小组", "社区代表小组"]
SURNAMES = "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒夏侯端木令狐独孤南宫西门百里呼延"
GIVEN = "子涵若曦雨桐思远浩然一鸣嘉怡俊杰欣妍梓萱"  # ten given names
# Data rows (spreadsheet rows 2…201) made bad in the first file.
BAD_DATE_ROW, BAD_PHONE_ROW, DUPLICATE_ROW = 15, 80, 150


assert len(SURNAMES) == 40 and len(GIVEN) == 20


def roster_row(i: int) -> list[Any]:
    s, g = (i - 1) % 20, (i - 1) // 20  # 20 × 10 different names for i = 1…200
    surname, given = SURNAMES[2 * s : 2 * s + 2], GIVEN[2 * g : 2 * g + 2]
    return [
        i,
        surname + given,
        "女" if i % 2 else "男",
        date(1970 + i % 25, 1 + i % 12, 1 + i % 27),
        "汉族" if i % 10 else "土家族",
        ["大学本科", "大学专科", "中专/高中", "初中及以下", "研究生"][i % 5],
        ["农民", "专业技术人员", "领导干部", "非公经济人士", "其他基层"][i % 5],
        "是" if i % 7 == 0 else "否",
        BRANCHES[i % len(BRANCHES)],
        GROUPS[i % len(GROUPS)],
        "乡镇",
        13,
        f"1350000{i:04d}",
        BRANCHES[i % len(BRANCHES)].removesuffix("党支部"),
        "",
    ]


def write_roster(path: Path, *, bad: bool) -> Path:
    rows = [roster_row(i) for i in range(1, 201)]
    if bad:
        rows[BAD_DATE_ROW - 2][3] = "1990.13.01"
        rows[BAD_PHONE_ROW - 2][12] = "1350000abcd"
        rows[DUPLICATE_ROW - 2][1:4] = rows[1][1:4]  # the person of spreadsheet row 3 again
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代表名册"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    workbook.close()
    return path


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def structure_total(page: Any, base: str) -> tuple[int, str]:
    """The count of representatives in office on the structure page, and its summary sentence."""
    response = page.goto(f"{base}/t/{SLUG}/people/structure")
    assert response is not None and response.status == 200, "structure page missing"
    summary = page.locator("#structure-summary").inner_text().strip()
    match = re.search(r"共有代表(\d+)名", summary)
    return (int(match[1]) if match else 0), summary


def test_township_admin_imports_a_200_row_roster(
    browser: Any, live_server: LiveServer, screens: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    live_server.app.config["IMPORT_ASYNC_ROWS"] = 100
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    log_in(page, base, "cg.admin", live_server.demo_password)
    expect(page).to_have_url(f"{base}/t/{SLUG}/")
    before, summary_before = structure_total(page, base)

    # From the roster's sub-navigation to the import page.
    page.goto(f"{base}/t/{SLUG}/people/")
    page.locator("nav.subnav").get_by_role("link", name="导入导出").click()
    expect(page).to_have_url(f"{base}/t/{SLUG}/people/import/")
    expect(page.locator("main")).to_contain_text("姓名和出生日期都相同即视为同一人")

    # The first file has three bad rows: each is named, and nothing can be committed.
    page.get_by_label("名册文件").set_input_files(write_roster(tmp_path / "名册.xlsx", bad=True))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("导入预览")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text(f"第{BAD_DATE_ROW}行")
    expect(errors.nth(0)).to_contain_text("出生日期")
    expect(errors.nth(0)).to_contain_text("日期无效：1990.13.01")
    expect(errors.nth(1)).to_contain_text(f"第{BAD_PHONE_ROW}行")
    expect(errors.nth(1)).to_contain_text("手机号格式不正确：1350000abcd")
    expect(errors.nth(2)).to_contain_text(f"第{DUPLICATE_ROW}行")
    expect(errors.nth(2)).to_contain_text("与第3行重复")
    expect(page.locator("#import-summary")).to_contain_text("共 200 行，其中 197 行无误，3 处错误")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    shoot(page, str(screens / "roster-import-errors.png"), full_page=True)
    assert structure_total(page, base)[0] == before  # nothing was written

    # The fixed file: 200 new people, then the commit.
    page.goto(f"{base}/t/{SLUG}/people/import/")
    page.get_by_label("名册文件").set_input_files(
        write_roster(tmp_path / "名册-改.xlsx", bad=False)
    )
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-plan-counts")).to_have_text("提交后将新增 200 人，更新 0 人。")
    expect(page.locator("#import-errors")).to_have_count(0)
    expect(page.locator("#import-plan tbody tr")).to_have_count(200)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-result")).to_contain_text("导入完成：新增 200 人，更新 0 人。")
    expect(page.locator("#import-status")).to_have_text("已完成")
    shoot(page, str(screens / "roster-import-done.png"), full_page=True)

    # The structure statistics count the 200 new representatives.
    after, summary_after = structure_total(page, base)
    assert after == before + 200, (before, after)
    assert summary_after != summary_before
    shoot(page, str(screens / "roster-import-structure.png"), full_page=True)

    # The same file again updates the same 200 people: no one is added twice.
    page.goto(f"{base}/t/{SLUG}/people/import/")
    page.get_by_label("名册文件").set_input_files(tmp_path / "名册-改.xlsx")
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-plan-counts")).to_have_text("提交后将新增 0 人，更新 200 人。")

    # The progress bar of a running import follows the job, then shows the result: the job is
    # moved along in the database as a worker would move it.
    action = page.locator("#import-commit form").get_attribute("action")
    job_id = int(re.fullmatch(r".*/import/(\d+)/commit", action or "")[1])
    set_job(live_server, job_id, status="running", processed_rows=50)
    page.goto(f"{base}/t/{SLUG}/people/import/{job_id}")
    expect(page.locator("#import-progress")).to_have_attribute("value", "50")
    set_job(live_server, job_id, processed_rows=150)
    expect(page.locator("#import-progress-text")).to_contain_text("150 / 200（75%）")
    shoot(page, str(screens / "roster-import-progress.png"), full_page=True)
    set_job(
        live_server, job_id, status="done", processed_rows=200, created_rows=0, updated_rows=200
    )
    expect(page.locator("#import-result")).to_contain_text("导入完成：新增 0 人，更新 200 人。")
    context.close()


def set_job(live_server: LiveServer, job_id: int, **values: Any) -> None:
    """Change an import job in the live server's database (as the Celery worker would)."""
    from sqlalchemy import select

    from lianxin.db import db
    from lianxin.db.tenancy import tenant_context
    from lianxin.people.models import ImportJob
    from lianxin.tenants.models import Township

    with live_server.app.app_context():
        township_id = db.session.scalar(select(Township.id).where(Township.slug == SLUG))
        with tenant_context(township_id):
            job = db.session.get(ImportJob, (township_id, job_id))
            for name, value in values.items():
                setattr(job, name, value)
            db.session.commit()
        db.session.remove()
