"""Modules defined in the tests to prove the registry until the real modules land.

`pilot` has every part a module can have: settings with defaults, a tenant table, an API, pages,
a public page, a menu entry and a task. `survey` is a second, smaller one.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from flask import Blueprint, redirect, render_template_string, request, url_for
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.api.base import BaseSchema
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import Base, TenantMixin, db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.jobs import PlatformTask
from lianxin.modules.registry import ModuleSpec, NavItem
from lianxin.tenants.models import Township
from lianxin.web.scope import current_actor, current_township


class PilotNote(TenantMixin, Base):
    __tablename__ = "test_pilot_notes"

    text: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PilotSettings(BaseSchema):
    visits_per_month = fields.Integer(
        load_default=2, validate=validate.Range(min=1, max=31), metadata={"label": "每月走访次数"}
    )
    weekend_duty = fields.Boolean(load_default=True, metadata={"label": "周末值班"})


# --- service ------------------------------------------------------------------------------------


def list_notes(actor: Actor, township: Township) -> list[PilotNote]:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    return list(db.session.scalars(select(PilotNote).order_by(PilotNote.id)))


def get_note(actor: Actor, township: Township, note_id: int) -> PilotNote:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    note = db.session.get(PilotNote, (township.id, note_id))
    if note is None:
        raise NotFound()
    return note


def add_note(actor: Actor, township: Township, text: str) -> PilotNote:
    if not permissions.can_work_in_office(actor, township.id):
        raise PermissionDenied()
    if not text.strip():
        raise ValidationFailed(errors={"text": ["请填写内容"]})
    note = PilotNote(text=text.strip())
    db.session.add(note)
    db.session.commit()
    return note


def update_note(actor: Actor, township: Township, note_id: int, text: str) -> PilotNote:
    note = get_note(actor, township, note_id)
    if not permissions.can_work_in_office(actor, township.id):
        raise PermissionDenied()
    note.text = text
    db.session.commit()
    return note


def delete_note(actor: Actor, township: Township, note_id: int) -> None:
    note = get_note(actor, township, note_id)
    if not permissions.can_work_in_office(actor, township.id):
        raise PermissionDenied()
    db.session.delete(note)
    db.session.commit()


# --- api, pages, task ---------------------------------------------------------------------------

pilot_api = ApiBlueprint("pilot_api", __name__, description="测试模块：走访记录")


class NoteSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=200))


@pilot_api.route("/notes")
class Notes(MethodView):
    @pilot_api.response(200, NoteSchema(many=True))
    def get(self):
        """List notes"""
        return list_notes(current_actor(), current_township())

    @pilot_api.arguments(NoteSchema)
    @pilot_api.response(201, NoteSchema)
    def post(self, data):
        """Add a note"""
        return add_note(current_actor(), current_township(), data["text"])


@pilot_api.route("/notes/<int:note_id>")
class NoteById(MethodView):
    @pilot_api.response(200, NoteSchema)
    def get(self, note_id: int):
        """One note"""
        return get_note(current_actor(), current_township(), note_id)

    @pilot_api.arguments(NoteSchema)
    @pilot_api.response(200, NoteSchema)
    def patch(self, data, note_id: int):
        """Change a note"""
        return update_note(current_actor(), current_township(), note_id, data["text"])

    @pilot_api.response(204)
    def delete(self, note_id: int):
        """Delete a note"""
        delete_note(current_actor(), current_township(), note_id)


pilot_pages = Blueprint("pilot", __name__)
PAGE = """{% extends "base.html" %}{% block content %}<h1>走访记录</h1>
<ul id="notes">{% for n in notes %}
<li><a href="{{ url_for('pilot.note', note_id=n.id) }}">{{ n.text }}</a></li>
{% endfor %}</ul>
<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input name="text"><button type="submit">添加</button></form>{% endblock %}"""


@pilot_pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = current_actor(), current_township()
    if request.method == "POST":
        add_note(actor, township, request.form.get("text", ""))
        return redirect(url_for("pilot.index"))
    return render_template_string(PAGE, notes=list_notes(actor, township))


@pilot_pages.route("/notes/<int:note_id>", methods=["GET", "POST"])
def note(note_id: int):
    actor, township = current_actor(), current_township()
    if request.method == "POST":
        update_note(actor, township, note_id, request.form.get("text", ""))
    item = get_note(actor, township, note_id)
    return render_template_string(
        "{% extends 'base.html' %}{% block content %}{{ t }}{% endblock %}", t=item.text
    )


pilot_public = Blueprint("pilot_public", __name__)


@pilot_public.get("/")
def public_index():
    count = db.session.scalar(select(func.count()).select_from(PilotNote))
    return render_template_string(
        "{% extends 'base.html' %}{% block content %}走访 {{ n }} 次{% endblock %}", n=count
    )


@shared_task(base=PlatformTask, name="pilot.count_notes", module_key="pilot")
def count_notes(*, tenant_id: int) -> int:
    return int(db.session.scalar(select(func.count()).select_from(PilotNote)) or 0)


PILOT = ModuleSpec(
    key="pilot",
    name="走访试点",
    description="测试模块：走访记录",
    settings_schema=PilotSettings,
    api_blueprint=pilot_api,
    pages_blueprint=pilot_pages,
    public_blueprint=pilot_public,
    nav=(NavItem("pilot.index", "走访记录"),),
    public_nav=(NavItem("pilot_public.public_index", "走访公示"),),
    labels={"pilot_visit": "走访"},
    beat_schedule={"count": {"task": "pilot.count_notes", "schedule": 3600.0}},
)

survey_pages = Blueprint("survey", __name__)


@survey_pages.get("/")
def survey_index():
    current_actor()
    return render_template_string(
        "{% extends 'base.html' %}{% block content %}<h1>民意调查</h1>{% endblock %}"
    )


class SurveySettings(BaseSchema):
    min_answers = fields.Integer(
        load_default=5,
        validate=validate.Range(min=1, max=100),
        metadata={"label": "结果公开的最少答卷数"},
    )


SURVEY = ModuleSpec(
    key="survey",
    name="民意调查",
    settings_schema=SurveySettings,
    pages_blueprint=survey_pages,
    nav=(NavItem("survey.survey_index", "民意调查"),),
)

TEST_MODULES = (PILOT, SURVEY)
