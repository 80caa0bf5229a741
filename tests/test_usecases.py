"""The use-case kit: one owner of the transaction, typed inputs with Chinese errors."""

from __future__ import annotations

import uuid
from dataclasses import FrozenInstanceError, dataclass

import pytest
from marshmallow import fields, validate
from sqlalchemy import select

from lianxin.db import db
from lianxin.errors import ValidationFailed
from lianxin.tenants.models import County
from lianxin.usecases import InputSchema, commit_on_its_own, in_use_case, load_input, use_case


def _county(name: str) -> County:
    county = County(name=name, slug=f"u{uuid.uuid4().hex[:10]}", module_defaults={})
    db.session.add(county)
    return county


def _exists(name: str) -> bool:
    return db.session.scalar(select(County.id).where(County.name == name)) is not None


@use_case
def _make(name: str) -> County:
    return _county(name)


@use_case
def _make_two_then_fail(first: str, second: str) -> None:
    assert in_use_case()
    _make(first)  # nested: flushes only
    _county(second)
    raise ValidationFailed(errors={"name": ["重复"]})


@use_case
def _make_commit_then_fail(name: str) -> None:
    _county(name)
    commit_on_its_own("the test's row must survive what follows")
    raise ValidationFailed()


def test_the_outermost_use_case_commits(app):
    name = f"县{uuid.uuid4().hex[:6]}"
    assert not in_use_case()
    _make(name)
    db.session.rollback()  # nothing left to roll back: it was committed
    assert _exists(name)


def test_a_failure_takes_back_the_nested_use_case_too(app):
    first, second = f"甲{uuid.uuid4().hex[:6]}", f"乙{uuid.uuid4().hex[:6]}"
    with pytest.raises(ValidationFailed):
        _make_two_then_fail(first, second)
    assert not in_use_case()
    assert not _exists(first) and not _exists(second)
    _make(first)  # the session is usable afterwards
    assert _exists(first)


def test_commit_on_its_own_is_the_one_exception(app):
    name = f"丙{uuid.uuid4().hex[:6]}"
    with pytest.raises(ValidationFailed):
        _make_commit_then_fail(name)
    assert _exists(name)


@dataclass(frozen=True)
class _Input:
    title: str
    days: int = 10


class _Schema(InputSchema[_Input]):
    input_type = _Input
    title = fields.String(required=True, validate=validate.Length(min=1, max=20))
    days = fields.Integer(validate=validate.Range(min=1, max=31))


def test_input_loads_into_a_frozen_dataclass(app):
    data = load_input(_Schema, {"title": "提案", "days": "31"})
    assert data == _Input("提案", 31)
    with pytest.raises(FrozenInstanceError):
        data.days = 32  # type: ignore[misc]


@dataclass(frozen=True)
class _Many:
    title: str
    ids: list[int]


class _ManySchema(InputSchema[_Many]):
    input_type = _Many
    title = fields.String(required=True)
    ids = fields.List(fields.Integer(), required=True)


def test_a_form_list_keeps_every_value(app):
    from werkzeug.datastructures import MultiDict

    form = MultiDict([("title", "约见"), ("ids", "3"), ("ids", "5"), ("csrf_token", "t")])
    assert load_input(_ManySchema, form, form=True) == _Many("约见", [3, 5])


def test_a_partial_input_is_the_named_keys(app):
    assert load_input(_Schema, {"days": "5"}, partial=True) == {"days": 5}


def test_input_errors_are_chinese_and_name_the_field(app):
    with app.test_request_context():
        with pytest.raises(ValidationFailed) as missing:
            load_input(_Schema, {"days": "x"})
        assert missing.value.errors == {"title": ["必填"], "days": ["应为整数"]}
        with pytest.raises(ValidationFailed) as unknown:
            load_input(_Schema, {"title": "a", "extra": 1})
        assert unknown.value.errors == {"extra": ["未知字段"]}
        # A page form carries its CSRF token and buttons: not input, not an error.
        assert load_input(_Schema, {"title": "a", "csrf_token": "t"}, form=True) == _Input("a")
