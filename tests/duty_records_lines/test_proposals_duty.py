"""Proposals on the duty record: written as lead author (a constructive suggestion), accepted
(立案) of those, and co-signed; a draft, a declined or pending invitation, another year's
submission count nowhere; a merged or refused proposal is written but not accepted."""

from __future__ import annotations

from lianxin.modules.proposals.models import Kind, Proposal, Signature, SignatureStatus, State
from tests.duty_records_lines.conftest import add, count, lines, shanghai, spec_of

LED = "proposals.led"
ACCEPTED = "proposals.accepted"
COSIGNED = "proposals.cosigned"


def _proposal(township, author, state, submitted_at, title="关于修缮村道的提案", **extra):
    return add(
        township,
        Proposal(
            kind=extra.pop("kind", Kind.PROPOSAL),
            title=title,
            body="正文",
            category="城建",
            author_id=author.id,
            state=state,
            submitted_at=submitted_at,
            **extra,
        ),
    )[0]


def _sign(township, proposal, rep, status=SignatureStatus.SIGNED):
    add(township, Signature(proposal_id=proposal.id, representative_id=rep.id, status=status))


def test_led_accepted_and_cosigned_of_two_representatives(township, clock, reps):
    a, b, c, d = reps[:4]
    closed = _proposal(
        township, a, State.CLOSED, shanghai(2026, 2, 1), number="2026-001", year=2026
    )
    _sign(township, closed, a)  # the author signs first: not a co-signature
    _sign(township, closed, b)
    _sign(township, closed, c, SignatureStatus.DECLINED)
    merged = _proposal(township, a, State.MERGED, shanghai(2026, 3, 1), title="并入的提案")
    _sign(township, merged, b)
    _proposal(township, a, State.DRAFT, None, title="还在征集联名")
    _proposal(
        township,
        b,
        State.ASSIGNED,
        shanghai(2026, 4, 1),
        kind=Kind.SUGGESTION,
        title="建议增设公交站",
        number="建2026-001",
    )
    old = _proposal(township, b, State.CLOSED, shanghai(2025, 11, 1), title="去年的提案")
    _sign(township, old, a)

    found = lines(spec_of("proposals"), township, [a.id, b.id, c.id, d.id])

    assert count(found, a.id, LED) == 2 and count(found, a.id, ACCEPTED) == 1
    assert count(found, a.id, COSIGNED) == 0
    assert count(found, b.id, LED) == 1 and count(found, b.id, ACCEPTED) == 1
    assert count(found, b.id, COSIGNED) == 2
    assert c.id not in found and d.id not in found
    assert found[a.id][ACCEPTED].details == ("2月1日 提案《关于修缮村道的提案》（已办结）",)
    assert found[b.id][LED].details == ("4月1日 建议意见《建议增设公交站》（办理中）",)
    item = next(i for i in spec_of("proposals").duty.items if i.key == LED)
    assert item.suggestion
