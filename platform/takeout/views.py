"""The county admin's page of one township's data export: `/c/<county>/townships/<id>/takeout`."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from lianxin.auth.forms import EmptyForm
from lianxin.takeout import service
from lianxin.web.scope import current_actor, current_county

bp = Blueprint(
    "takeout",
    __name__,
    url_prefix="/c/<county_slug>/townships/<int:township_id>/takeout",
    template_folder="templates",
)


@bp.get("/", endpoint="township")
def township(township_id: int):
    actor, county = current_actor(), current_county()
    target = service.county_township(actor, county, township_id)
    return render_template(
        "takeout/township.html",
        target=target,
        exports=service.exports(actor, county, target.id),
        form=EmptyForm(),
    )


@bp.post("/", endpoint="request")
def request_export(township_id: int):
    actor, county = current_actor(), current_county()
    service.county_township(actor, county, township_id)
    if EmptyForm().validate_on_submit():
        service.request_export(actor, county, township_id)
        flash(_("已开始导出。完成后会通知您，并可在本页下载。"), "success")
    return redirect(url_for(".township", township_id=township_id))


@bp.get("/<export_id>.zip", endpoint="download")
def download(township_id: int, export_id: str):
    actor, county = current_actor(), current_county()
    handle, filename = service.open_export(actor, county, township_id, export_id)
    return send_file(handle, mimetype=service.ZIP, as_attachment=True, download_name=filename)
