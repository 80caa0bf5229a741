"""The township's words for the domain's labels (工作站 → 工作室): the platform's defaults and
the modules' words, with the township's own over them."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, has_app_context
from flask_babel import gettext as _

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.registry import current_registry
from lianxin.tenants.labels import DEFAULT_LABELS
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def labels_for(township: Township | None) -> dict[str, str]:
    if has_app_context():
        # Every page asks; the defaults and the modules' words are translated once per app (its
        # locale is fixed, app.py).
        registry = current_registry()
        defaults = current_app.extensions.setdefault("lianxin.default_labels", {})
        if id(registry) not in defaults:
            words = {k: str(v) for k, v in DEFAULT_LABELS.items()}
            words.update({k: str(v) for k, v in registry.labels().items()})
            defaults[id(registry)] = words
        labels = dict(defaults[id(registry)])
    else:
        labels = {k: str(v) for k, v in DEFAULT_LABELS.items()}
    if township is not None:
        labels.update(township.labels or {})
    return labels


@use_case
def update_labels(actor: Actor, township: Township, labels: Mapping[str, str]) -> dict[str, str]:
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    known = labels_for(None)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for key, value in labels.items():
        value = (value or "").strip()
        if key not in known:
            errors[key] = [_("未知的称谓")]
        elif not value or len(value) > 16:
            errors[key] = [_("称谓须为1–16个字")]
        elif value != str(known[key]):
            cleaned[key] = value
    if errors:
        raise ValidationFailed(errors=errors)
    before = dict(township.labels or {})
    township.labels = cleaned
    audit.record(
        "township.labels_changed",
        actor=actor,
        tenant_id=township.id,
        target_type="township",
        target_id=township.id,
        before=before,
        after=cleaned,
    )
    return labels_for(township)
