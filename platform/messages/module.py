"""The delivery report (消息送达) declares itself as a core part: its pages and API."""

from flask_babel import lazy_gettext as _l

from lianxin.messages.api import blp as messages_api
from lianxin.messages.views import bp as message_pages
from lianxin.modules.registry import ModuleSpec

MODULE = ModuleSpec(
    key="messages",
    name=_l("消息送达"),
    core=True,
    blueprints=(message_pages,),
    api_blueprints=(messages_api,),
)
