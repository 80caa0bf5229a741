"""The audit log's page, its `.xlsx` export and 立即核验, for the three audit routes
(`/t/<township>/audit`, `/c/<county>/audit`, `/admin/audit` in lianxin.tenants.views).

Each route checks who may read the log and hands over its scope; the chain comes from the scope,
never from the query string. `<route>.xlsx` gives the entries the same filter shows (one parser
for both), a POST checks the chains (county and platform only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin import spreadsheets
from lianxin.audit import browse, labels, links, status
from lianxin.audit import service as audit
from lianxin.auth.forms import EmptyForm
from lianxin.errors import ValidationFailed
from lianxin.storage.backends import StorageError

LinkFor = Callable[[str | None, str | None], str | None]


@dataclass(frozen=True)
class Scope:
    """Whose log a page shows."""

    chain: str
    endpoint: str  # the page's own endpoint (page links, the form)
    export_endpoint: str  # the same filter as `.xlsx`
    url_args: dict[str, Any]
    name: str  # the township's or county's name, for the file name
    link: LinkFor = links.no_links
    viewer: Any = None  # lianxin.people.privacy.Viewer; None: no personal data is masked
    county_id: int | None = None  # whose chains the status shows (None and chains: platform)
    shows_chains: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def township_scope(township: Any) -> Scope:
    from lianxin.people.privacy import current_viewer

    return Scope(
        chain=audit.chain_for(township.id, None),
        endpoint="township.township_audit",
        export_endpoint="township.township_audit_xlsx",
        url_args={"township_slug": township.slug},
        name=township.name,
        link=links.TownshipLinks(township.id, township.slug),
        viewer=current_viewer(),
    )


def county_scope(county: Any) -> Scope:
    from lianxin.people.privacy import PUBLIC

    chains = status.scope_chains(county.id)
    township_ids = {int(c.split(":")[1]) for c, _whose in chains if c.startswith("t:")}
    return Scope(
        chain=audit.chain_for(None, county.id),
        endpoint="county.county_audit",
        export_endpoint="county.county_audit_xlsx",
        url_args={"county_slug": county.slug},
        name=county.name,
        link=links.CountyLinks(county.slug, township_ids),
        viewer=PUBLIC,  # the county reads no township's personal data (people/privacy.py)
        county_id=county.id,
        shows_chains=True,
    )


def platform_scope() -> Scope:
    from lianxin.people.privacy import PUBLIC

    return Scope(
        chain=audit.chain_for(None, None),
        endpoint="platform.audit",
        export_endpoint="platform.audit_xlsx",
        url_args={},
        name=_("平台"),
        viewer=PUBLIC,
        shows_chains=True,
    )


def audit_log(scope: Scope, actor: Any) -> ResponseReturnValue:
    """The route's answer: the page, the export (`audit.xlsx`) or, on POST, 立即核验."""
    if request.method == "POST":
        return _check(scope, actor)
    args = request.args.to_dict()
    wants_xlsx = request.endpoint == scope.export_endpoint
    try:
        flt = browse.parse_filter(args)
    except ValidationFailed as exc:
        return _render(scope, browse.AuditFilter(), errors=exc.errors, raw=args), 422
    if wants_xlsx:
        return _export(scope, flt)
    return _render(scope, flt)


def _render(
    scope: Scope,
    flt: browse.AuditFilter,
    *,
    errors: dict[str, list[str]] | None = None,
    raw: dict[str, str] | None = None,
) -> str:
    found = None if errors else browse.search(scope.chain, flt)
    rows = (
        [
            browse.row_of(e, scope.viewer, scope.link(e.target_type, e.target_id))
            for e in found.entries
        ]
        if found
        else []
    )
    chains: list[ChainRow] = []
    check = None
    if scope.shows_chains:
        names = status.scope_chains(scope.county_id)
        check = status.last_check(scope.chain)
        chains = [
            ChainRow(whose or _("平台"), state, status.still_broken(state, check))
            for (_chain, whose), state in zip(
                names, status.statuses([c for c, _w in names]), strict=True
            )
        ]
    return render_template(
        "tenants/audit.html",
        scope=scope,
        flt=flt,
        raw=raw or {},
        errors=errors or {},
        found=found,
        rows=rows,
        actors=browse.actors(scope.chain),
        families=browse.FAMILIES,
        targets=sorted(labels.TARGETS.items(), key=lambda kv: str(kv[1])),
        chains=chains,
        last_check=check,
        check_form=EmptyForm() if scope.shows_chains else None,
        page_url=lambda **changes: url_for(scope.endpoint, **scope.url_args, **flt.args(**changes)),
        export_url=url_for(scope.export_endpoint, **scope.url_args, **flt.args(page=1)),
    )


@dataclass(frozen=True)
class ChainRow:
    """One chain in the page's verification status."""

    whose: str
    state: status.ChainStatus
    broken_at: int | None  # where the last 立即核验 found it broken

    @property
    def ok(self) -> bool:
        return self.state.ok and self.broken_at is None


HEADERS = (
    _l("序号"),
    _l("时间（北京时间）"),
    _l("操作人"),
    _l("角色"),
    _l("操作类别"),
    _l("操作"),
    _l("对象"),
    _l("变更内容"),
    _l("来源 IP"),
)


def _export(scope: Scope, flt: browse.AuditFilter) -> ResponseReturnValue:
    from lianxin.web.templating import localtime, role_label

    def rows() -> Any:
        for entry in browse.matching(scope.chain, flt):
            row = browse.row_of(entry, scope.viewer, None, short=None)
            yield (
                entry.seq,
                localtime(entry.created_at, "%Y-%m-%d %H:%M:%S"),
                row.who,
                role_label(entry.actor_role) if entry.actor_role else "",
                row.family,
                row.action,
                row.target,
                "\n".join(
                    f"{line.field}：{line.before} → {line.after}"
                    if line.before is not None
                    else f"{line.field}：{line.after}"
                    for line in row.lines
                ),
                entry.ip or "",
            )

    data = spreadsheets.table(
        _("审计日志"),
        [str(h) for h in HEADERS],
        rows(),
        widths=(8, 20, 14, 12, 12, 22, 22, 60, 16),
    )
    stamp = datetime.now(labels.SHANGHAI).strftime("%Y%m%d")
    return spreadsheets.response(
        data, f"{scope.name}审计日志-{stamp}.xlsx", ascii_name=f"audit-{stamp}.xlsx"
    )


def _check(scope: Scope, actor: Any) -> ResponseReturnValue:
    back = redirect(url_for(scope.endpoint, **scope.url_args) + "#audit-chains")
    if not scope.shows_chains or not EmptyForm().validate_on_submit():
        flash(_("无法核验，请刷新页面后重试。"), "error")
        return back
    try:
        results = status.verify_now(actor, county_id=scope.county_id)
    except StorageError:
        flash(_("检查点存储暂时无法读取，未能核验，请稍后重试。"), "error")
        return back
    broken = [r for r in results if not r.ok]
    if broken:
        flash(
            _("核验发现 %(n)s 条链异常，详见下方核验状态，请立即联系平台运维。", n=len(broken)),
            "error",
        )
    else:
        flash(_("已核验 %(n)s 条链，均未发现篡改。", n=len(results)), "success")
    return back
