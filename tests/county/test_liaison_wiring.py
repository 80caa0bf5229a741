"""The liaison chain (三联) reaches the county through the same hook: its figures join the
comparison, and a township that does not run it shows 未开通."""

from __future__ import annotations

import pytest

from lianxin.county import service
from tests.county.conftest import TODAY
from tests.factories import actor


@pytest.fixture
def app_modules():
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def test_liaison_figures_join_the_comparison(scene):
    keys = {m.key for m in service.catalog()}
    if "liaison_links_kept" not in keys:
        pytest.skip("the liaison module declares no figures")
    service.refresh_county(scene.county.id, full=True, today=TODAY)
    result = service.comparison(actor(scene.users["viewer"]), scene.county, "2026-Q1")
    info = service.metric_info("liaison_links_kept")
    for name in ("jia", "yi", "bing"):
        cell = result.cell(scene.ids[name], "liaison_links_kept")
        assert cell.status == "off", (name, cell)  # the scene switches liaison on nowhere
        assert service.format_value(info, cell) == "未开通"
    # The other figures are unchanged by the extra module.
    assert result.cell(scene.ids["jia"], "cases_on_time").value == pytest.approx(0.5)
