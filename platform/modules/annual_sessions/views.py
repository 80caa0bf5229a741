"""Pages of the annual-session module (/t/<slug>/annual_sessions) and its public pages."""

from __future__ import annotations

from flask import Blueprint, render_template_string

pages = Blueprint("annual_sessions", __name__, template_folder="templates")
public = Blueprint("annual_sessions_public", __name__, template_folder="templates")


@pages.get("/", endpoint="index")
def index():
    return render_template_string("")


@public.get("/", endpoint="index")
def public_index():
    return render_template_string("")
