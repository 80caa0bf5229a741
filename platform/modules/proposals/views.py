"""Pages of the proposals module (/t/<slug>/proposals) and its public pages
(/p/<slug>/proposals)."""

from __future__ import annotations

from flask import Blueprint, render_template_string

pages = Blueprint("proposals", __name__, template_folder="templates")
public = Blueprint("proposals_public", __name__, template_folder="templates")


@pages.get("/", endpoint="index")
def index():
    return render_template_string("")


@public.get("/", endpoint="index")
def public_index():
    return render_template_string("")
