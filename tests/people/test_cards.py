"""Contact cards (连心卡) with their QR code, and the public page of a representative."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import cards
from lianxin.people import service as people
from lianxin.tenants.models import TownshipStatus
from lianxin.usecases import load_input
from tests.factories import actor, make_branch
from tests.helpers import login

# The smallest PNG there is: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def add_rep(township, user, name, **fields):
    with tenant_context(township.id):
        rep = people.create_representative(
            actor(user),
            township,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": name,
                    "gender": "女",
                    "birth_date": "1975-03-01",
                    "ethnicity": "土家族",
                    "education": "大学本科",
                    "category": "农民",
                    "term": 13,
                    "phone": "13800138000",
                    "post": "村党支部书记",
                    "workplace": "甲镇红旗村",
                    **fields,
                },
            ),
        )
        return rep.id


@pytest.fixture
def rep_id(world):
    return add_rep(world.township, world.users["township_admin"], "张秀英")


def public_path(world, rep_id):
    return f"/p/{world.township.slug}/representatives/{rep_id}"


# --- the QR code --------------------------------------------------------------------------------


def test_qr_svg_is_inline_svg_of_the_url(app):
    url = "http://testserver/p/jia-zhen/representatives/7"
    svg = cards.qr_svg(url)
    assert svg.startswith('<svg class="qr-code" role="img"')
    assert svg.rstrip().endswith("</svg>")
    assert 'viewBox="0 0 ' in svg and "<path" in svg
    assert "mm" not in svg.split(">", 1)[0]  # sized by CSS, not fixed millimetres
    assert 'id="' not in svg  # many codes on one page: no repeated id
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert cards.qr_svg(url) == svg  # the same address, the same code
    assert cards.qr_svg(url + "8") != svg


def test_public_url_is_absolute_from_public_base_url(app, world):
    app.config["PUBLIC_BASE_URL"] = "https://lianxin.example.cn/"
    with app.test_request_context():
        url = cards.public_url(world.township, 42)
    assert url == "https://lianxin.example.cn/p/jia-zhen/representatives/42"


# --- the card -----------------------------------------------------------------------------------


def test_card_page(app, world, rep_id, client):
    login(client, world.users["township_staff"])
    response = client.get(f"/t/{world.township.slug}/people/{rep_id}/card")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    public = "http://testserver" + public_path(world, rep_id)
    assert public in html  # the address the QR code encodes, printed under it
    with app.test_request_context():
        assert str(cards.qr_svg(public)) in html  # and the code itself is of that address
    assert "张秀英" in html and "13800138000" in html
    assert "村党支部书记" in html and "甲镇红旗村" in html
    assert "（工作站开通后显示）" in html and 'data-slot="workstation"' in html
    assert 'class="lx-card-photo lx-card-initial"' in html and ">张</span>" in html
    assert "1975" not in html  # a card needs no birth date


def test_card_prints_the_contact_for_those_who_may_see_it(app, world, rep_id, client):
    """The office prints the cards it hands out; a member whose duty does not reach this
    representative's contact sees the card without it (people/privacy.py)."""
    url = f"/t/{world.township.slug}/people/{rep_id}/card"
    for who in ("representative", "handling_unit", "committee_member"):
        login(client, world.users[who])
        html = client.get(url).get_data(as_text=True)
        assert "张秀英" in html and "村党支部书记" in html, who
        assert "13800138000" not in html and "甲镇红旗村" not in html, who
        assert '<dd class="lx-card-phone">—</dd>' in html, who
        client.post("/logout")


def test_card_with_photo_links_the_township_file(app, world, rep_id, client):
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        rep = people.set_photo(admin, world.township, rep_id, io.BytesIO(PNG), "photo.png")
        file_id = rep.photo_file_id
    login(client, world.users["township_admin"])
    html = client.get(f"/t/{world.township.slug}/people/{rep_id}/card").get_data(as_text=True)
    src = f"/t/{world.township.slug}/files/{file_id}"
    assert f'src="{src}"' in html
    assert client.get(src).data == PNG


def test_card_of_another_township_is_404(app, world, client):
    other_id = add_rep(world.other, world.users["other_admin"], "李四")
    login(client, world.users["township_admin"])
    assert client.get(f"/t/{world.township.slug}/people/{other_id}/card").status_code == 404
    assert client.get(f"/t/{world.township.slug}/people/999999/card").status_code == 404


def test_card_needs_a_member_of_the_township(app, world, rep_id, client):
    url = f"/t/{world.township.slug}/people/{rep_id}/card"
    assert client.get(url).status_code == 302  # to the login page
    login(client, world.users["far_admin"])
    assert client.get(url).status_code == 404


def test_cards_of_the_township_and_of_a_branch(app, world, rep_id, client):
    admin_user = world.users["township_admin"]
    branch = make_branch(world.township, "红旗村党支部")
    in_branch = add_rep(
        world.township, admin_user, "王芳", birth_date="1980-01-01", branch_id=branch.id
    )
    ended = add_rep(world.township, admin_user, "郑华", birth_date="1970-01-01")
    with tenant_context(world.township.id):
        people.end_qualification(
            actor(admin_user), world.township, ended, reason="resigned", on=date(2025, 1, 1)
        )
    add_rep(world.other, world.users["other_admin"], "别镇代表")
    login(client, admin_user)

    html = client.get(f"/t/{world.township.slug}/people/cards").get_data(as_text=True)
    shown = re.findall(r'<article class="lx-card" data-rep="(\d+)"', html)
    assert shown == [str(in_branch), str(rep_id)]  # pinyin order: wang fang, zhang xiu ying
    assert html.count("<svg") == 2
    assert "郑华" not in html and "别镇代表" not in html

    html = client.get(f"/t/{world.township.slug}/people/cards?branch_id={branch.id}").get_data(
        as_text=True
    )
    assert re.findall(r'data-rep="(\d+)"', html) == [str(in_branch)]
    other_branch = make_branch(world.other, "别镇支部")
    url = f"/t/{world.township.slug}/people/cards?branch_id={other_branch.id}"
    assert client.get(url).status_code == 404


def test_card_of_an_ended_representative_warns(app, world, rep_id, client):
    with tenant_context(world.township.id):
        people.end_qualification(
            actor(world.users["township_admin"]),
            world.township,
            rep_id,
            reason="transferred",
            on=date(2025, 1, 1),
        )
    login(client, world.users["township_admin"])
    html = client.get(f"/t/{world.township.slug}/people/{rep_id}/card").get_data(as_text=True)
    assert "该代表资格已终止" in html


# --- the public page ----------------------------------------------------------------------------


def test_public_page_without_login(app, world, rep_id, client):
    response = client.get(public_path(world, rep_id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "张秀英" in html and "甲镇" in html
    assert "村党支部书记" in html  # the post: the office the person holds
    # Nothing the representative did not agree to publish (the record has no consent to
    # publish yet, people/privacy.py): no phone or workplace, nor birth date, ethnicity,
    # education, category. The card carries the contact; the page leads to the public form.
    for private in (
        "13800138000",
        "tel:",
        "甲镇红旗村",
        "1975",
        "03-01",
        "土家族",
        "大学本科",
        "农民",
    ):
        assert private not in html, private
    assert f'href="/p/{world.township.slug}/cases/new"' in html


def test_public_page_of_another_townships_representative_is_404(app, world, client):
    other_id = add_rep(world.other, world.users["other_admin"], "李四")
    assert client.get(public_path(world, other_id)).status_code == 404
    assert client.get(f"/p/{world.other.slug}/representatives/{other_id}").status_code == 200
    assert client.get(public_path(world, 999999)).status_code == 404
    assert (
        client.get(f"/p/{world.township.slug}/representatives/{other_id}/photo").status_code == 404
    )


def test_public_page_of_an_ended_representative(app, world, rep_id, client):
    with tenant_context(world.township.id):
        people.end_qualification(
            actor(world.users["township_admin"]),
            world.township,
            rep_id,
            reason="transferred",
            on=date(2025, 1, 1),
        )
    response = client.get(public_path(world, rep_id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "张秀英已不再担任甲镇党代表" in html
    for hidden in ("13800138000", "村党支部书记", "甲镇红旗村"):
        assert hidden not in html


def test_public_page_of_a_suspended_township(app, world, rep_id, client):
    world.township.status = TownshipStatus.SUSPENDED
    db.session.commit()
    html = client.get(public_path(world, rep_id)).get_data(as_text=True)
    assert "平台服务已暂停" in html
    assert "张秀英" not in html and "13800138000" not in html
    html = client.get(f"/p/{world.township.slug}/representatives/").get_data(as_text=True)
    assert "平台服务已暂停" in html and "张秀英" not in html


def test_public_photo_is_not_published_without_consent(app, world, rep_id, client):
    path = public_path(world, rep_id) + "/photo"
    assert client.get(path).status_code == 404  # no photo yet
    with tenant_context(world.township.id):
        people.set_photo(
            actor(world.users["township_admin"]),
            world.township,
            rep_id,
            io.BytesIO(PNG),
            "photo.png",
        )
    html = client.get(public_path(world, rep_id)).get_data(as_text=True)
    assert path not in html and 'class="lx-card-photo lx-card-initial"' in html
    assert client.get(path).status_code == 404  # a photo, but no consent to publish it
    with tenant_context(world.township.id):
        people.end_qualification(
            actor(world.users["township_admin"]),
            world.township,
            rep_id,
            reason="transferred",
            on=date(2025, 1, 1),
        )
    assert client.get(path).status_code == 404


def test_public_list_in_pinyin_order(app, world, client):
    admin_user = world.users["township_admin"]
    for name, born in (("赵敏", "1980-01-01"), ("安然", "1981-01-01"), ("陈晨", "1982-01-01")):
        add_rep(world.township, admin_user, name, birth_date=born)
    ended = add_rep(world.township, admin_user, "白云", birth_date="1983-01-01")
    with tenant_context(world.township.id):
        people.end_qualification(
            actor(admin_user), world.township, ended, reason="resigned", on=date(2025, 1, 1)
        )
    add_rep(world.other, world.users["other_admin"], "别镇代表")
    response = client.get(f"/p/{world.township.slug}/representatives/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    names = re.findall(r'representatives/\d+">([^<]+)</a>', html)
    assert names == ["安然", "陈晨", "赵敏"]
    assert "村党支部书记" in html
    assert "13800138000" not in html and "1980" not in html
