"""The Chinese words for the people's fields, and the words accepted for them on import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lianxin.people.models import (
    Category,
    Education,
    EndReason,
    Gender,
    GroupRole,
    RepStatus,
    UnitKind,
    UnitLevel,
)

GENDER = {Gender.MALE: _l("男"), Gender.FEMALE: _l("女")}
EDUCATION = {
    Education.POSTGRADUATE: _l("研究生"),
    Education.BACHELOR: _l("大学本科"),
    Education.COLLEGE: _l("大学专科"),
    Education.SECONDARY: _l("中专/高中"),
    Education.JUNIOR: _l("初中及以下"),
}
CATEGORY = {
    Category.LEADING_CADRE: _l("领导干部"),
    Category.PROFESSIONAL: _l("专业技术人员"),
    Category.FARMER: _l("农民"),
    Category.PRIVATE_ECONOMY: _l("非公经济人士"),
    Category.MILITARY_POLICE: _l("军警"),
    Category.OTHER_GRASSROOTS: _l("其他基层"),
}
STATUS = {RepStatus.IN_OFFICE: _l("在任"), RepStatus.ENDED: _l("资格终止")}
END_REASON = {
    EndReason.TRANSFERRED: _l("调离"),
    EndReason.RESIGNED: _l("辞去"),
    EndReason.RECALLED: _l("罢免"),
    EndReason.DECEASED: _l("去世"),
    EndReason.OTHER: _l("其他"),
}
GROUP_ROLE = {
    GroupRole.LEADER: _l("组长"),
    GroupRole.DEPUTY: _l("副组长"),
    GroupRole.LIAISON: _l("联络员"),
    GroupRole.MEMBER: _l("成员"),
}
UNIT_LEVEL = {UnitLevel.TOWNSHIP: _l("乡镇级"), UnitLevel.COUNTY: _l("县级")}
UNIT_KIND = {
    UnitKind.DEPARTMENT: _l("乡镇部门"),
    UnitKind.VILLAGE_COMMITTEE: _l("村（居）委会"),
    UnitKind.COUNTY_DEPARTMENT: _l("县级部门"),
    UnitKind.ENTERPRISE: _l("企业"),
    UnitKind.OTHER: _l("其他"),
}

# Other spellings townships write in their spreadsheets.
ALIASES = {
    "education": {
        "本科": Education.BACHELOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "硕士": Education.POSTGRADUATE,
        "博士": Education.POSTGRADUATE,
        "高中": Education.SECONDARY,
        "中专": Education.SECONDARY,
        "中专及高中": Education.SECONDARY,
        "初中": Education.JUNIOR,
        "小学": Education.JUNIOR,
    },
    "category": {
        "专业技术": Category.PROFESSIONAL,
        "非公经济": Category.PRIVATE_ECONOMY,
        "其他": Category.OTHER_GRASSROOTS,
        "基层": Category.OTHER_GRASSROOTS,
    },
}


def label(mapping: dict, key: str | None) -> str:  # type: ignore[type-arg]
    if key is None:
        return ""
    for k, v in mapping.items():
        if k == key:
            return str(v)
    return key


def key_for(mapping: dict, value: str, aliases: dict | None = None) -> str | None:  # type: ignore[type-arg]
    """The key of a field's value given as a key ("farmer") or as its word ("农民")."""
    value = value.strip()
    for k, v in mapping.items():
        if value in (str(k), str(v)):
            return str(k)
    if aliases and value in aliases:
        return str(aliases[value])
    return None
