"""One-time answer links and public codes never stay in a URL (issue 18): the first GET trades
the secret for a value in the signed session and redirects to a page without it, so access
logs, browser history and a Referer carry no secret; the form is shown and posted from there."""

from __future__ import annotations

from lianxin.db.tenancy import tenant_context
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import CodesInput
from tests.modules.evaluations.test_pages import _campaign_row, _dims, _form, _made, _text


def test_the_link_secret_leaves_the_url_at_the_first_request(app, clock, world, cast, office):
    campaign_id, subjects, links = _made(world, office, cast)
    dims = _dims(world, campaign_id)
    token = links[5].token
    anon = app.test_client()
    first = anon.get(f"/p/{world.township.slug}/evaluations/answer/{token}")
    assert first.status_code == 302 and first.headers["Referrer-Policy"] == "no-referrer"
    target = first.headers["Location"]
    assert token not in target and target.endswith(f"/p/{world.township.slug}/evaluations/answer")
    page = anon.get(target)
    assert page.status_code == 200 and token not in _text(page)
    assert all(s.name in _text(page) for s in subjects)
    assert "提交成功" in _text(anon.post(target, data=_form(dims, subjects)))
    with tenant_context(world.township.id):
        assert service.campaign_participation(_campaign_row(world, campaign_id)).answered == 1
    # Without the exchanged value (another browser), the bare page knows no link.
    assert app.test_client().get(target).status_code == 404


def test_a_public_code_leaves_the_url_too(app, clock, world, cast, office):
    campaign_id, _subjects, _links = _made(world, office, cast, shape="public")
    with tenant_context(world.township.id):
        (code,) = service.issue_codes(office, world.township, campaign_id, CodesInput(1))
    anon = app.test_client()
    url = f"/p/{world.township.slug}/evaluations/{campaign_id}/public"
    first = anon.get(f"{url}?code={code}")
    assert first.status_code == 302 and code not in first.headers["Location"]
    page = anon.get(first.headers["Location"])
    assert page.status_code == 200 and f'value="{code}"' in _text(page)
