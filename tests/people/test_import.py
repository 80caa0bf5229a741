"""Roster import and export: the two steps, every bad input named, all or nothing, re-import.

Runs on SQLite and PostgreSQL (the `app` fixture). Spreadsheets are built in memory here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import imports
from lianxin.people import service as people
from lianxin.people.models import (
    GroupMembership,
    ImportJob,
    ImportStatus,
    Representative,
    RepresentativeGroup,
)
from lianxin.storage.models import StoredFile
from tests.factories import make_branch
from tests.helpers import assert_error, bearer, login

HEADERS = [
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
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "建国", "志强", "文静", "德胜", "小红", "海燕", "国华", "丽娟", "春生"]


def person(i: int, **override: Any) -> dict[str, Any]:
    """A valid row; `i` makes the name and birth date unique."""
    row = {
        "姓名": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + str(i),
        "性别": "女" if i % 3 == 0 else "男",
        "出生日期": date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
        "民族": "汉族",
        "学历": ["大学本科", "大专", "高中", "初中", "研究生"][i % 5],
        "类别": ["农民", "专业技术人员", "领导干部", "非公经济人士", "其他基层"][i % 5],
        "是否基层领导干部": "是" if i % 4 == 0 else "否",
        "选举单位": "",
        "代表小组": "",
        "代表层级": "乡镇",
        "届次": 12,
        "手机号": f"139{i:08d}",
        "工作单位": f"单位{i}",
        "职务": "村民",
    }
    row.update(override)
    return row


def xlsx(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: list[dict[str, Any]], encoding: str, headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        values = [row.get(h) for h in headers]
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in values])
    return text.getvalue().encode(encoding)


def api(slug: str, tail: str = "") -> str:
    return f"/api/v1/t/{slug}/representatives/imports/{tail}"


def page(slug: str, tail: str = "") -> str:
    return f"/t/{slug}/people/import/{tail}"


def upload(client: Any, headers: dict[str, str], slug: str, data: bytes, name: str) -> Any:
    return client.post(
        api(slug),
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), name)},
    )


def preview(client: Any, headers: dict[str, str], slug: str, data: bytes, name: str = "名册.xlsx"):
    response = upload(client, headers, slug, data, name)
    assert response.status_code == 201, response.get_data(as_text=True)[:800]
    return response.get_json()


def commit(client: Any, headers: dict[str, str], slug: str, import_id: int) -> Any:
    return client.post(api(slug, f"{import_id}/commit"), headers=headers)


def reps_of(township: Any) -> list[Representative]:
    with tenant_context(township.id):
        db.session.rollback()
        return list(db.session.scalars(select(Representative).order_by(Representative.id)))


def count_of(township: Any, model: Any) -> int:
    with tenant_context(township.id):
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def make_group(township: Any, name: str) -> int:
    """A group of `township`; its id (a read outside the township's context would see nothing)."""
    with tenant_context(township.id):
        group = RepresentativeGroup(name=name, is_active=True)
        db.session.add(group)
        db.session.commit()
        return group.id


@pytest.fixture
def admin(world: Any) -> dict[str, str]:
    return bearer(world.users["township_admin"])


@pytest.fixture
def slug(world: Any) -> str:
    return str(world.township.slug)


# --- preview: every bad cell named, nothing written --------------------------------------------


def test_preview_names_every_bad_cell_and_writes_nothing(app, world, client, admin, slug):
    make_branch(world.township, "东关村党支部")
    make_group(world.township, "农业代表小组")
    make_group(world.other, "乙镇专属小组")  # exists, but in the other township only
    rows = [
        person(1, 选举单位="东关村党支部", 代表小组="农业代表小组"),  # row 2: fine
        person(2, 出生日期="1990.13.01"),  # row 3
        person(3, 手机号="1380013800a"),  # row 4
        person(4, 代表小组="乙镇专属小组"),  # row 5
        person(5, 性别="未知", 届次="很多"),  # row 6: two bad cells in one row
        person(1, 手机号="13900000000"),  # row 7: the person of row 2 again
        person(6, 选举单位="不存在的支部"),  # row 8
    ]
    body = preview(client, admin, slug, xlsx(rows))
    assert body["status"] == "previewed"
    assert (body["total_rows"], body["valid_rows"], body["error_count"]) == (7, 1, 7)
    errors = [(e["row"], e["column"], e["message"]) for e in body["errors"]]
    assert errors == [
        (3, "出生日期", "日期无效：1990.13.01"),
        (4, "手机号", "手机号格式不正确：1380013800a"),
        (5, "代表小组", "未找到该代表小组：乙镇专属小组"),
        (6, "性别", "性别须为“男”或“女”"),
        (6, "届次", "届次须为1–99的整数"),
        (
            7,
            "姓名",
            f"与第2行重复：姓名和出生日期都相同（{rows[0]['姓名']}，{rows[0]['出生日期']}）",
        ),
        (8, "选举单位", "未找到该支部：不存在的支部"),
    ]
    assert body["rows"] == [
        {"row": 2, "name": rows[0]["姓名"], "birth_date": "1961-02-02", "action": "create"}
    ]
    assert reps_of(world.township) == []
    with tenant_context(world.township.id):
        job = db.session.get(ImportJob, (world.township.id, body["id"]))
        assert job is not None and job.status == ImportStatus.PREVIEWED
        assert len(job.errors) == 7
    # A preview with errors cannot be committed.
    body = assert_error(commit(client, admin, slug, body["id"]), 409, "import_has_errors")
    assert "7" in body["message"]
    assert reps_of(world.township) == []


def test_unknown_headers_warn_and_lenient_cells_are_read(app, world, client, admin, slug):
    headers = ["序号", "姓 名*", "性别", "出生年月", "文化程度", "代表类别", "届别", "手机", "籍贯"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["城关镇党代表名册"])  # a title above the header row
    sheet.append(headers)
    sheet.append([1, "王秀英", "女", "19750302", "本科", "农民", "第十二届", 13912345678.0, "湖北"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook.close()
    body = preview(client, admin, slug, buffer.getvalue())
    assert body["error_count"] == 0, body["errors"]
    assert body["warnings"] == ["未识别的列（已忽略）：籍贯"]
    assert commit(client, admin, slug, body["id"]).status_code == 200
    (rep,) = reps_of(world.township)
    assert (rep.name, rep.birth_date, rep.term, rep.phone) == (
        "王秀英",
        date(1975, 3, 2),
        12,
        "13912345678",
    )
    assert (rep.education, rep.category, rep.ethnicity) == ("bachelor", "farmer", "汉族")


# --- file-level errors: named, and nothing at all written --------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n", "名册.pdf", "不支持的文件类型"),
        (_docx(), "名册.docx", "不支持 Word 文档"),
        ("姓名,性别\n张三,男\n".encode(), "名册.xlsx", "内容不是 Excel 表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "名册.xls", "旧版 Excel"),
        (b"\x00\x01\x02binary" * 50, "名册.csv", "无法识别 CSV 文件的编码"),
    ],
    ids=["pdf", "docx", "text-named-xlsx", "xls", "binary-named-csv"],
)
def test_wrong_file_type_is_named_and_nothing_is_written(
    app, world, client, admin, slug, data, name, says
):
    body = assert_error(upload(client, admin, slug, data, name), 422, "unsupported_file_type")
    assert says in body["message"] and body["errors"]["file"]
    assert count_of(world.township, StoredFile) == 0
    assert count_of(world.township, ImportJob) == 0
    assert reps_of(world.township) == []


def test_missing_headers_is_one_named_error(app, world, client, admin, slug):
    headers = [h for h in HEADERS if h not in ("出生日期", "届次")]
    body = assert_error(
        upload(client, admin, slug, xlsx([person(1)], headers), "名册.xlsx"),
        422,
        "missing_headers",
    )
    assert body["errors"] == {"file": ["缺少必需的列：出生日期、届次"]}
    assert count_of(world.township, ImportJob) == 0
    assert count_of(world.township, StoredFile) == 0


def test_empty_sheets_are_named(app, world, client, admin, slug):
    body = assert_error(upload(client, admin, slug, xlsx([]), "空.xlsx"), 422, "empty_sheet")
    assert "没有数据行" in body["message"]
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook.close()
    assert_error(upload(client, admin, slug, buffer.getvalue(), "空.xlsx"), 422, "empty_sheet")
    assert_error(upload(client, admin, slug, b"", "空.csv"), 422, "empty_file")
    assert count_of(world.township, ImportJob) == 0


@pytest.mark.parametrize("app_config", [{"MAX_UPLOAD_BYTES": 40_000}])
def test_oversize_file_is_refused_before_it_is_parsed(app, world, client, admin, slug, monkeypatch):
    def must_not_parse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an oversize file was parsed")

    monkeypatch.setattr(imports, "detect_format", must_not_parse)
    monkeypatch.setattr(imports, "parse_file", must_not_parse)
    huge = "姓名\n".encode() + b"x" * 200_000
    # The declared length alone refuses it (API and page) …
    assert_error(upload(client, admin, slug, huge, "名册.csv"), 413, "file_too_large")
    login(client, world.users["township_admin"])
    response = client.post(
        page(slug),
        data={"file": (io.BytesIO(huge), "名册.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "文件超过大小上限" in response.get_data(as_text=True)
    # … and a body that declares less is cut off while it is read, still before parsing.
    just_over = b"x" * 40_001
    assert_error(upload(client, admin, slug, just_over, "名册.csv"), 413, "file_too_large")
    with app.test_request_context(), tenant_context(world.township.id):
        from tests.factories import actor

        with pytest.raises(imports.FileTooLarge):
            imports.preview_upload(
                actor(world.users["township_admin"]),
                world.township,
                io.BytesIO(just_over),
                "名册.csv",
            )
    assert count_of(world.township, StoredFile) == 0
    assert count_of(world.township, ImportJob) == 0


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_gb18030_and_utf8_is_read(app, world, client, admin, slug, encoding):
    make_group(world.township, "城南代表小组")
    rows = [person(i, 代表小组="城南代表小组") for i in range(1, 4)]
    rows[0]["姓名"] = "欧阳䶮"  # a name outside GB2312, inside GB18030
    data = csv_bytes(rows, encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    body = preview(client, admin, slug, data, "名册.csv")
    assert body["error_count"] == 0, body["errors"]
    assert commit(client, admin, slug, body["id"]).status_code == 200
    names = sorted(r.name for r in reps_of(world.township))
    assert names == sorted(r["姓名"] for r in rows)
    assert all(r.group_id is not None for r in reps_of(world.township))


# --- commit: one transaction, re-import updates -------------------------------------------------


def test_commit_writes_all_rows_and_reimport_updates_never_duplicates(
    app, world, client, admin, slug
):
    make_branch(world.township, "东关村党支部")
    first_group = make_group(world.township, "农业代表小组")
    second_group = make_group(world.township, "工业代表小组")
    rows = [person(i, 选举单位="东关村党支部", 代表小组="农业代表小组") for i in range(1, 6)]
    rows[0]["代表层级"] = "乡镇和县"
    body = preview(client, admin, slug, xlsx(rows))
    assert (body["created_rows"], body["updated_rows"]) == (5, 0)
    assert {r["action"] for r in body["rows"]} == {"create"}
    response = commit(client, admin, slug, body["id"])
    assert response.status_code == 200
    done = response.get_json()
    assert (done["status"], done["created_rows"], done["updated_rows"]) == ("done", 5, 0)
    assert done["processed_rows"] == 5 and done["percent"] == 100
    reps = reps_of(world.township)
    assert len(reps) == 5
    assert reps[0].is_township_rep and reps[0].is_county_rep
    assert all(r.group_id == first_group and r.name_pinyin for r in reps)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(GroupMembership)) == 5

    # The same sheet again, with a new phone, another group, one new person and no 职务 column.
    rows[1]["手机号"] = "13700000001"
    for row in rows:
        row["代表小组"] = "工业代表小组"
    rows.append(person(99))
    headers = [h for h in HEADERS if h != "职务"]
    body = preview(client, admin, slug, xlsx(rows, headers))
    assert (body["created_rows"], body["updated_rows"]) == (1, 5)
    assert [r["action"] for r in body["rows"]] == ["update"] * 5 + ["create"]
    done = commit(client, admin, slug, body["id"]).get_json()
    assert (done["status"], done["created_rows"], done["updated_rows"]) == ("done", 1, 5)
    reps = reps_of(world.township)
    assert len(reps) == 6  # updated, never duplicated
    by_name = {r.name: r for r in reps}
    assert by_name[rows[1]["姓名"]].phone == "13700000001"
    assert by_name[rows[1]["姓名"]].post == "村民"  # absent column: left as it was
    assert by_name[rows[1]["姓名"]].group_id == second_group
    with tenant_context(world.township.id):
        history = db.session.scalars(
            select(GroupMembership).where(
                GroupMembership.representative_id == by_name[rows[1]["姓名"]].id
            )
        ).all()
        assert sorted((m.group_id, m.ended_on is None) for m in history) == sorted(
            [(first_group, False), (second_group, True)]
        )
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "representative.imported")
            .order_by(AuditEntry.seq)
        ).all()
    # One audit entry per import, with the counts (not one per row).
    assert [(e.after["created"], e.after["updated"], e.after["rows"]) for e in entries] == [
        (5, 0, 5),
        (1, 5, 6),
    ]
    # A committed import cannot be committed again.
    assert_error(commit(client, admin, slug, body["id"]), 409, "import_not_previewed")


def test_commit_is_all_or_nothing(app, world, client, admin, slug, monkeypatch):
    existing = preview(client, admin, slug, xlsx([person(1)]))
    commit(client, admin, slug, existing["id"])
    rows = [person(1, 手机号="13600000000")] + [person(i) for i in range(2, 9)]
    body = preview(client, admin, slug, xlsx(rows))
    real = people.apply_representative
    calls = {"n": 0}

    def fail_on_sixth(rep: Any, data: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 6:
            raise RuntimeError("disk full")
        real(rep, data, **kwargs)

    monkeypatch.setattr(people, "apply_representative", fail_on_sixth)
    monkeypatch.setitem(app.config, "IMPORT_PROGRESS_EVERY", 2)  # flushed before the failure
    response = commit(client, admin, slug, body["id"])
    assert response.status_code == 200
    failed = response.get_json()
    assert failed["status"] == "failed"
    assert "未写入任何数据" in failed["message"]
    assert calls["n"] == 6
    reps = reps_of(world.township)
    assert [(r.name, r.phone) for r in reps] == [(rows[0]["姓名"], person(1)["手机号"])]
    with tenant_context(world.township.id):
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("representative.imported") == 1  # the first import only
    got = client.get(api(slug, str(body["id"])), headers=admin).get_json()
    assert got["status"] == "failed" and got["processed_rows"] == 0 and got["finished_at"]


def test_a_change_after_the_preview_fails_the_commit_without_writing(
    app, world, client, admin, slug
):
    group_id = make_group(world.township, "将被改名的小组")
    body = preview(client, admin, slug, xlsx([person(1), person(2, 代表小组="将被改名的小组")]))
    with tenant_context(world.township.id):
        db.session.get(RepresentativeGroup, (world.township.id, group_id)).name = "新名字"
        db.session.commit()
    failed = commit(client, admin, slug, body["id"]).get_json()
    assert failed["status"] == "failed"
    assert failed["errors"] == [
        {"row": 3, "column": "代表小组", "message": "未找到该代表小组：将被改名的小组"}
    ]
    assert reps_of(world.township) == []


# --- the large import as a task, with progress --------------------------------------------------


@pytest.mark.parametrize("app_config", [{"IMPORT_ASYNC_ROWS": 5, "IMPORT_PROGRESS_EVERY": 4}])
def test_large_import_runs_as_task_and_reports_progress(
    app, world, client, admin, slug, monkeypatch
):
    from lianxin.people import tasks

    make_group(world.township, "农业代表小组")
    rows = [person(i, 代表小组="农业代表小组") for i in range(1, 11)]
    body = preview(client, admin, slug, xlsx(rows))
    seen: list[tuple[int, int | None, int]] = []
    real_report = imports.report_progress
    queued: list[dict[str, Any]] = []
    real_delay = tasks.import_commit.delay

    def spy_delay(**kwargs: Any) -> Any:
        queued.append(kwargs)
        return real_delay(**kwargs)

    def spy(import_id: int, processed: int) -> None:
        real_report(import_id, processed)
        if app.config["BACKEND"] != "postgresql":
            # SQLite runs one transaction at a time: a poll waits for the import to finish.
            seen.append((processed, None, None))
            return
        # What a poll sees now, from its own session, while the import's transaction is open.
        with db.separate_session():
            job = db.session.get(ImportJob, (world.township.id, import_id))
            written = db.session.scalar(select(func.count()).select_from(Representative))
            seen.append((processed, job.processed_rows if job else None, written))
            db.session.rollback()

    monkeypatch.setattr(imports, "report_progress", spy)
    monkeypatch.setattr(tasks.import_commit, "delay", spy_delay)
    response = commit(client, admin, slug, body["id"])
    assert response.status_code == 202  # went to the task (eager here: already run)
    assert queued == [
        {
            "import_id": body["id"],
            "tenant_id": world.township.id,
            "user_id": world.users["township_admin"].id,
        }
    ]
    done = response.get_json()
    assert (done["status"], done["created_rows"], done["processed_rows"]) == ("done", 10, 10)
    assert [s[0] for s in seen] == [4, 8, 10]
    if app.config["BACKEND"] == "postgresql":
        # Written in a separate session: visible while the big transaction is still open.
        assert [s[1] for s in seen] == [4, 8, 10]
    else:
        # SQLite runs one transaction at a time: the count is written with the result.
        assert [s[1] for s in seen] == [None, None, None]
    assert len(reps_of(world.township)) == 10
    login(client, world.users["township_admin"])
    progress = client.get(page(slug, f"{body['id']}/progress")).get_json()
    assert progress["finished"] and progress["percent"] == 100
    assert progress["processed_rows"] == progress["total_rows"] == 10
    assert progress["status_text"] == "已完成"
    # A redelivered task message finds the job taken and does nothing.
    with tenant_context(world.township.id):
        assert tasks.import_commit.run(import_id=body["id"], tenant_id=world.township.id) is None


def test_running_job_page_shows_a_progress_bar(app, world, client, admin, slug):
    body = preview(client, admin, slug, xlsx([person(i) for i in range(1, 5)]))
    with tenant_context(world.township.id):
        job = db.session.get(ImportJob, (world.township.id, body["id"]))
        job.status, job.processed_rows = ImportStatus.RUNNING, 2
        db.session.commit()
    login(client, world.users["township_admin"])
    html = client.get(page(slug, str(body["id"]))).get_data(as_text=True)
    assert '<progress id="import-progress" max="4" value="2"' in html
    assert f"/people/import/{body['id']}/progress" in html
    progress = client.get(page(slug, f"{body['id']}/progress")).get_json()
    assert (progress["processed_rows"], progress["percent"], progress["finished"]) == (2, 50, False)


# --- export ------------------------------------------------------------------------------------


def test_export_round_trips_with_zero_errors_and_only_updates(app, world, client, admin, slug):
    make_branch(world.township, "西关村党支部")
    make_group(world.township, "综合代表小组")
    rows = [
        person(1, 选举单位="西关村党支部", 代表小组="综合代表小组", 代表层级="县"),
        person(2, 学历="中专", 是否基层领导干部="是", 民族="回"),
        person(3, 手机号="", 工作单位="", 职务=""),
        person(4, 代表层级="乡镇和县", 类别="军警"),
    ]
    commit(client, admin, slug, preview(client, admin, slug, xlsx(rows))["id"])
    before = {r.id: people._snapshot(r) for r in reps_of(world.township)}

    response = client.get(api(slug, "export"), headers=admin)
    assert response.status_code == 200
    assert response.mimetype == imports.XLSX_MIME
    assert (
        "filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E5%90%8D%E5%86%8C.xlsx"
        in (response.headers["Content-Disposition"])
    )
    exported = response.get_data()
    workbook = load_workbook(io.BytesIO(exported), read_only=True)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert list(header) == [*HEADERS, "专业小组", "状态"]

    body = preview(client, admin, slug, exported, "代表名册.xlsx")
    assert body["error_count"] == 0 and body["warnings"] == []
    assert {r["action"] for r in body["rows"]} == {"update"} and len(body["rows"]) == 4
    done = commit(client, admin, slug, body["id"]).get_json()
    assert (done["created_rows"], done["updated_rows"]) == (0, 4)
    assert {r.id: people._snapshot(r) for r in reps_of(world.township)} == before


def _memberships(township: Any) -> list[tuple[Any, ...]]:
    with tenant_context(township.id):
        db.session.rollback()
        return sorted(
            db.session.execute(
                select(
                    GroupMembership.id,
                    GroupMembership.representative_id,
                    GroupMembership.group_id,
                    GroupMembership.role,
                    GroupMembership.started_on,
                    GroupMembership.ended_on,
                )
            ).all()
        )


def _sheet_rows(data: bytes) -> list[dict[str, Any]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_export_has_the_thematic_groups_and_round_trips_without_a_change(
    app, world, client, admin, slug
):
    from lianxin.people.inputs import GroupInput
    from tests.factories import actor

    office = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        x = people.create_group(office, world.township, GroupInput("农业专业小组", kind="thematic"))
        y = people.create_group(office, world.township, GroupInput("党建专业小组", kind="thematic"))
        people.create_group(office, world.township, GroupInput("综合代表小组"))
        db.session.commit()
        thematic = {x.id, y.id}
    headers = [*HEADERS, "专业小组"]
    rows = [
        person(1, 代表小组="综合代表小组", 专业小组="农业专业小组、党建专业小组"),
        person(2, 专业小组="党建专业小组"),
        person(3),
    ]
    commit(client, admin, slug, preview(client, admin, slug, xlsx(rows, headers))["id"])
    before = {r.id: people._snapshot(r) for r in reps_of(world.township)}
    groups_before = _memberships(world.township)
    assert {g for _i, _r, g, *_rest in groups_before} >= thematic

    exported = client.get(api(slug, "export"), headers=admin).get_data()
    by_name = {r["姓名"]: r for r in _sheet_rows(exported)}
    # by name, in name order, "、"-joined; the area group is not among them
    assert by_name[person(1)["姓名"]]["专业小组"] == "党建专业小组、农业专业小组"
    assert by_name[person(1)["姓名"]]["代表小组"] == "综合代表小组"
    assert by_name[person(2)["姓名"]]["专业小组"] == "党建专业小组"
    assert by_name[person(3)["姓名"]]["专业小组"] in (None, "")

    body = preview(client, admin, slug, exported, "代表名册.xlsx")
    assert body["error_count"] == 0 and body["warnings"] == []
    done = commit(client, admin, slug, body["id"]).get_json()
    assert (done["created_rows"], done["updated_rows"]) == (0, 3)
    assert {r.id: people._snapshot(r) for r in reps_of(world.township)} == before
    assert _memberships(world.township) == groups_before  # no group ended, none started


def test_the_roster_page_links_its_filtered_export(app, world, client, admin, slug):
    rows = [person(1), person(2), person(3)]
    commit(client, admin, slug, preview(client, admin, slug, xlsx(rows))["id"])
    ended = person(2)["姓名"]
    with tenant_context(world.township.id):
        rep = db.session.scalar(select(Representative).where(Representative.name == ended))
        rep.status = "ended"
        db.session.commit()
    login(client, world.users["township_staff"])
    html = client.get(f"/t/{slug}/people/").get_data(as_text=True)
    assert 'id="export-roster"' in html and "import/export?status=in_office" in html
    # the default screen (in office): the ended representative is not in the file
    names = {r["姓名"] for r in _sheet_rows(client.get(page(slug, "export?status=in_office")).data)}
    assert names == {person(1)["姓名"], person(3)["姓名"]}
    # a search on the screen: the one found, nobody else
    query = f"export?status=all&q={person(3)['姓名']}"
    found = _sheet_rows(client.get(page(slug, query)).data)
    assert [r["姓名"] for r in found] == [person(3)["姓名"]]
    assert found[0]["手机号"] == person(3)["手机号"]
    # without filters (the import page's link): everyone, ended too
    names = {r["姓名"] for r in _sheet_rows(client.get(page(slug, "export")).data)}
    assert names == {p["姓名"] for p in rows}
    # who may not export sees no link
    client.post("/logout")
    login(client, world.users["committee_member"])
    response = client.get(f"/t/{slug}/people/")
    assert response.status_code == 200
    assert 'id="export-roster"' not in response.get_data(as_text=True)
    assert client.get(page(slug, "export?status=all")).status_code == 403


def test_export_and_template_pages(app, world, client, slug):
    login(client, world.users["township_staff"])
    response = client.get(page(slug, "export"))
    assert response.status_code == 200 and response.mimetype == imports.XLSX_MIME
    assert "attachment;" in response.headers["Content-Disposition"]
    template = client.get(page(slug, "template"))
    assert template.status_code == 200
    assert (
        "filename*=UTF-8''%E7%A9%BA%E7%99%BD%E6%A8%A1%E6%9D%BF.xlsx"
        in (template.headers["Content-Disposition"])
    )
    workbook = load_workbook(io.BytesIO(template.get_data()), read_only=True)
    assert workbook.sheetnames == ["代表名册", "填写说明"]
    workbook.close()
    with tenant_context(world.township.id):
        assert "representative.exported" in db.session.scalars(select(AuditEntry.action)).all()


# --- who may, and which township ----------------------------------------------------------------


def test_only_the_office_imports_and_exports(app, world, client, slug):
    for role in ("representative", "committee_member", "branch_liaison"):
        headers = bearer(world.users[role])
        assert_error(upload(client, headers, slug, xlsx([person(1)]), "a.xlsx"), 403)
        assert_error(client.get(api(slug, "export"), headers=headers), 403)
    login(client, world.users["representative"])
    assert client.get(page(slug)).status_code == 403
    assert client.get(page(slug, "export")).status_code == 403
    assert count_of(world.township, ImportJob) == 0


def test_another_townships_import_is_not_found(app, world, client, admin, slug):
    theirs = bearer(world.users["other_admin"])
    other = preview(client, theirs, world.other.slug, xlsx([person(1)]))
    assert_error(client.get(api(slug, str(other["id"])), headers=admin), 404)
    assert_error(commit(client, admin, slug, other["id"]), 404)
    login(client, world.users["township_admin"])
    assert client.get(page(slug, str(other["id"]))).status_code == 404
    assert client.get(page(slug, f"{other['id']}/progress")).status_code == 404
    assert client.post(page(slug, f"{other['id']}/commit")).status_code == 404
    # Their slug with our token: no such township for us.
    assert_error(client.get(api(world.other.slug, str(other["id"])), headers=admin), 404)
    assert count_of(world.other, Representative) == 0
    with tenant_context(world.other.id):
        job = db.session.get(ImportJob, (world.other.id, other["id"]))
        assert job is not None and job.status == ImportStatus.PREVIEWED


# --- the pages ----------------------------------------------------------------------------------


def test_pages_preview_errors_then_commit(app, world, client, slug):
    login(client, world.users["township_staff"])
    index = client.get(page(slug))
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert "姓名和出生日期都相同即视为同一人" in html and "空白模板" in html

    bad = [person(1), person(2, 出生日期="1990.13.01"), person(3, 手机号="abc")]
    response = client.post(
        page(slug),
        data={"file": (io.BytesIO(xlsx(bad)), "名册.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="import-errors"' in html and "日期无效：1990.13.01" in html
    assert "第3行" in html and "手机号格式不正确：abc" in html
    assert "确认导入" not in html

    good = [person(1), person(2), person(3)]
    response = client.post(
        page(slug),
        data={"file": (io.BytesIO(xlsx(good)), "名册.xlsx")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "提交后将新增 3 人，更新 0 人。" in html and "确认导入" in html
    assert 'id="import-plan"' in html and "新增" in html
    with tenant_context(world.township.id):
        job_id = db.session.scalar(select(func.max(ImportJob.id)))
    response = client.post(page(slug, f"{job_id}/commit"))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "导入完成：新增 3 人，更新 0 人。" in html
    assert len(reps_of(world.township)) == 3
    listing = client.get(page(slug)).get_data(as_text=True)
    assert "名册.xlsx" in listing and "已完成" in listing

    wrong = client.post(
        page(slug),
        data={"file": (io.BytesIO(b"%PDF-1.4 not a roster"), "名册.pdf")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422
    assert "不支持的文件类型" in wrong.get_data(as_text=True)


def test_export_writes_text_that_looks_like_a_formula_as_text(app, world, client, admin, slug):
    rows = [person(1, 工作单位='=HYPERLINK("http://example.com","点我")', 职务="+86 联络员")]
    commit(
        client, admin, slug, preview(client, admin, slug, csv_bytes(rows, "utf-8"), "a.csv")["id"]
    )
    exported = client.get(api(slug, "export"), headers=admin).get_data()
    workbook = load_workbook(io.BytesIO(exported))
    cell = workbook.worksheets[0]["M2"]
    workbook.close()
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.com","点我")', "s")
    body = preview(client, admin, slug, exported)
    assert body["error_count"] == 0 and body["updated_rows"] == 1
    commit(client, admin, slug, body["id"])
    (rep,) = reps_of(world.township)
    assert rep.workplace == '=HYPERLINK("http://example.com","点我")'


@pytest.mark.parametrize("app_config", [{"IMPORT_ASYNC_ROWS": 1}])
def test_queue_down_keeps_the_preview_for_a_retry(app, world, client, admin, slug, monkeypatch):
    from lianxin.people import tasks

    def broker_down(**kwargs: Any) -> Any:
        raise ConnectionError("redis unreachable")

    body = preview(client, admin, slug, xlsx([person(1), person(2)]))
    monkeypatch.setattr(tasks.import_commit, "delay", broker_down)
    assert_error(commit(client, admin, slug, body["id"]), 503, "queue_unavailable")
    got = client.get(api(slug, str(body["id"])), headers=admin).get_json()
    assert got["status"] == "previewed"
    monkeypatch.undo()
    assert commit(client, admin, slug, body["id"]).status_code == 202
    assert len(reps_of(world.township)) == 2
