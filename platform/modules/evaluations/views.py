"""Pages of the evaluations module (/t/<slug>/evaluations) and its public pages."""

from __future__ import annotations

from flask import Blueprint, render_template_string

pages = Blueprint("evaluations", __name__, template_folder="templates")
public = Blueprint("evaluations_public", __name__, template_folder="templates")


@pages.get("/", endpoint="index")
def index():
    return render_template_string("")


@public.get("/", endpoint="index")
def public_index():
    return render_template_string("")
