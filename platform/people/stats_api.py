"""API of the structure statistics (代表结构): counts and shares of the representatives in office.

The rules (who is counted, age bands, 少数民族, 基层代表, rounding) are in
`lianxin.people.statistics`.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import fields, validate

from lianxin import spreadsheets
from lianxin.api.base import BaseSchema, Blueprint
from lianxin.people import statistics
from lianxin.people.structure_export import EARLIEST, LATEST, structure_xlsx
from lianxin.web.scope import township_scope

blp = Blueprint(
    "people_stats_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>/representatives/structure",
    description="代表结构统计",
)

SHARE = {"description": "占比（百分数，保留一位小数）；无在任代表时为 null", "example": 27.5}


class StructureQuerySchema(BaseSchema):
    on = fields.Date(
        load_default=None,
        validate=validate.Range(min=EARLIEST, max=LATEST),
        metadata={"description": "统计日期（YYYY-MM-DD），默认今天；年龄按此日计算"},
    )


class StructureRowSchema(BaseSchema):
    key = fields.String(dump_only=True, metadata={"example": "female"})
    label = fields.String(dump_only=True, metadata={"example": "女"})
    count = fields.Integer(dump_only=True, metadata={"example": 55})
    share = fields.Float(dump_only=True, allow_none=True, metadata=SHARE)


class StructureHeadlineSchema(BaseSchema):
    women_share = fields.Float(dump_only=True, allow_none=True, metadata=SHARE)
    under_50_share = fields.Float(dump_only=True, allow_none=True, metadata=SHARE)
    minority_share = fields.Float(dump_only=True, allow_none=True, metadata=SHARE)
    grassroots_share = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={**SHARE, "description": "基层代表（农民、非公经济人士、其他基层）占比"},
    )


def _rows(description: str) -> Any:
    return fields.List(
        fields.Nested(StructureRowSchema), dump_only=True, metadata={"description": description}
    )


class StructureSchema(BaseSchema):
    total = fields.Integer(dump_only=True, metadata={"description": "统计日在任代表人数"})
    on = fields.Date(dump_only=True)
    summary = fields.String(
        dump_only=True,
        metadata={"example": "共有代表204名，……，其中妇女代表占27%，50岁以下代表占92%……。"},
    )
    by_gender = _rows("性别")
    by_age_band = _rows("年龄段：under_35 / 35_49 / 50_59 / 60_plus")
    by_education = _rows("学历")
    by_category = _rows("代表类别")
    by_ethnic_group = _rows("汉族（han）与少数民族（minority）")
    by_ethnicity = _rows("各民族")
    by_level = _rows("代表层级：township_only / county_only / both")
    grassroots_cadre = _rows("是否基层领导干部：yes / no")
    headline = fields.Nested(StructureHeadlineSchema, dump_only=True)


@blp.route("")
class Structure(MethodView):
    @blp.arguments(StructureQuerySchema, location="query")
    @blp.response(200, StructureSchema)
    def get(self, args):
        """Structure of the representatives in office on a day"""
        return statistics.structure(*township_scope(), args["on"])


@blp.route("/export")
class StructureExport(MethodView):
    @blp.arguments(StructureQuerySchema, location="query")
    @blp.response(200, description="代表结构.xlsx")
    def get(self, args):
        """Structure of the representatives in office on a day, as .xlsx"""
        actor, township = township_scope()
        figures = statistics.structure(actor, township, args["on"])
        return spreadsheets.response(
            structure_xlsx(figures, township.name),
            _("%(t)s代表结构（%(d)s）.xlsx", t=township.name, d=figures.on.isoformat()),
            ascii_name=f"structure-{figures.on.isoformat()}.xlsx",
        )
