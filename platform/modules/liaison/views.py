"""Pages of the liaison-chain module (/t/<slug>/liaison)."""

from __future__ import annotations

from flask import Blueprint

pages = Blueprint("liaison", __name__, template_folder="templates")


@pages.get("/", endpoint="index")
def index():
    return "三联"
