"""The delivery report is the office's and its township's alone: another township's admin gets
404 (its pages and its messages), a representative of the township 403."""

from __future__ import annotations

import pytest

from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied
from lianxin.messages import service
from tests.factories import actor
from tests.helpers import bearer, login


def test_another_townships_admin_gets_404(client, world, sent):
    other = world.users["other_admin"]
    login(client, other)
    assert client.get("/t/jia-zhen/messages/").status_code == 404
    assert client.get(f"/t/jia-zhen/messages/{sent.reminder}").status_code == 404
    # In their own township our message does not exist; their own does.
    assert client.get(f"/t/yi-zhen/messages/{sent.reminder}").status_code == 404
    own = client.get("/t/yi-zhen/messages/").get_data(as_text=True)
    assert "乙镇的通知" in own and "接待日提醒" not in own
    headers = bearer(other)
    assert client.get("/api/v1/t/jia-zhen/messages/", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/t/yi-zhen/messages/{sent.resolution}", headers=headers).status_code
        == 404
    )
    with tenant_context(world.other.id), pytest.raises(NotFound):
        service.get_message(actor(other), world.other, sent.reminder)


@pytest.mark.parametrize("role", ["representative", "handling_unit", "branch_liaison"])
def test_a_member_outside_the_office_gets_403(client, world, sent, role):
    user = world.users[role]
    login(client, user)
    assert client.get("/t/jia-zhen/messages/").status_code == 403
    assert client.get(f"/t/jia-zhen/messages/{sent.reminder}").status_code == 403
    headers = bearer(user)
    assert client.get("/api/v1/t/jia-zhen/messages/", headers=headers).status_code == 403
    with tenant_context(world.township.id), pytest.raises(PermissionDenied):
        service.page_messages(actor(user), world.township)
