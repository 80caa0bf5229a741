"""Where a case was received in person: the station of a visit registered on someone's behalf
(代为登记, issue 21).

A case received at a workstation counts in that station's monthly report only when it is
sourced to the station (`source_type`, `source_id`). The modules that have such places declare
them to the registry (`ModuleSpec.case_places`); casework asks those switched on in the township
and never imports them. When the channel is one of a place's channels (工作站常规接待, 主题约见 …)
the station is required; another channel may name one too (a call to the station's phone). A
case another module raises names its own source, and is left as it is.
"""

from __future__ import annotations

from flask_babel import gettext as _

from lianxin.casework.inputs import CaseInput
from lianxin.errors import NotFound
from lianxin.modules.registry import CasePlace, CasePlaces, current_registry
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township


def _providers(township: Township) -> list[CasePlaces]:
    return current_registry().case_places(tenants.enabled_module_keys(township.id))


def station_channels(township: Township) -> frozenset[str]:
    """The channels whose cases name the station they were received at (none when no module
    with stations is on)."""
    return frozenset(c for p in _providers(township) for c in p.channels)


def case_stations(township: Township) -> list[CasePlace]:
    """The open stations a case may be sourced to, for the form's list."""
    return [place for p in _providers(township) for place in p.listed(township)]


def station_source(
    township: Township, data: CaseInput, errors: dict[str, list[str]]
) -> tuple[str | None, int | None]:
    """The (source_type, source_id) of a case being registered. A station left out where the
    channel needs one is added to `errors` under `station_id`; an unknown one is 404."""
    if data.source_type is not None:  # raised by a module, which names its own source
        return data.source_type, data.source_id
    providers = _providers(township)
    needs = [p for p in providers if data.channel in p.channels]
    if data.station_id is None:
        if needs:
            errors["station_id"] = [_("请选择接待群众的工作站")]
        return None, None
    for provider in needs or providers:
        place = provider.find(township, data.station_id)
        if place is not None:
            return place.source_type, place.id
    # Another township's station, like its representative, is not found whatever else is said.
    raise NotFound(_("未找到该工作站"))
