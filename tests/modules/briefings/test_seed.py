"""The demo's briefings go through the use cases on the demo's timeline: sent in the past year,
read by some, a correction that names the briefing it corrects; a second load adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.briefings import seed
from lianxin.modules.briefings.models import Briefing, Recipient


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_the_seed_sends_reads_and_corrects(world, roll):
    seed.seed(world.township)
    with tenant_context(world.township.id):
        assert _count(Briefing, Briefing.state == "sent") == 9
        assert _count(Briefing, Briefing.corrects_id.is_not(None)) == 1
        assert _count(Recipient) == 9 * 4
    seed.seed(world.township)
    with tenant_context(world.township.id):
        assert _count(Briefing) == 9
