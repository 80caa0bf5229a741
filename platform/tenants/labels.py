"""The domain's words that a township may rename to match its own practice."""

from flask_babel import lazy_gettext as _l

# key -> default word. A township stores only the words it changed (Township.labels).
DEFAULT_LABELS = {
    "workstation": _l("工作站"),
    "representative_group": _l("代表小组"),
    "representative": _l("党代表"),
    "liaison_office": _l("党代表联络办公室"),
    "branch": _l("党支部"),
    "handling_unit": _l("承办单位"),
}

LABEL_TITLES = {
    "workstation": _l("工作站/工作室"),
    "representative_group": _l("代表小组/代表团/代表队"),
    "representative": _l("代表的称呼"),
    "liaison_office": _l("联络机构"),
    "branch": _l("基层支部"),
    "handling_unit": _l("承办单位"),
}
