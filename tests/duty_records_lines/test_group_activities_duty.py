"""Group activities on the duty record: the activities of their groups a representative
attended, and those they were recorded absent from, in the year of the activity's first day."""

from __future__ import annotations

from datetime import date

from lianxin.modules.group_activities.models import Activity, Attendance
from lianxin.people.models import RepresentativeGroup
from tests.duty_records_lines.conftest import NEXT_YEAR, add, count, lines, spec_of

ATTENDED = "group_activities.attended"
ABSENT = "group_activities.absent"


def _activity(township, group, topic, held_on, present, absent=()):
    activity = add(
        township,
        Activity(group_id=group.id, topic=topic, held_on=held_on, ends_on=held_on),
    )[0]
    add(
        township,
        *(
            Attendance(activity_id=activity.id, representative_id=rep.id, attended=True)
            for rep in present
        ),
        *(
            Attendance(activity_id=activity.id, representative_id=rep.id, attended=False)
            for rep in absent
        ),
    )


def test_activities_attended_and_missed(township, clock, reps):
    a, b, c = reps[:3]
    group = add(township, RepresentativeGroup(name="城关片代表小组"))[0]
    _activity(township, group, "七一主题党日", date(2026, 7, 1), [a, b])
    _activity(township, group, "走访困难党员", date(2026, 10, 15), [a], absent=[b])
    _activity(township, group, "新年走访", date(2027, 1, 1), [b], absent=[a])

    found = lines(spec_of("group_activities"), township, [a.id, b.id, c.id])

    assert count(found, a.id, ATTENDED) == 2 and count(found, a.id, ABSENT) == 0
    assert count(found, b.id, ATTENDED) == 1 and count(found, b.id, ABSENT) == 1
    assert found[b.id][ABSENT].details == ("10月15日 未参加代表小组活动《走访困难党员》",)
    assert c.id not in found
    later = lines(spec_of("group_activities"), township, [a.id, b.id], *NEXT_YEAR)
    assert count(later, a.id, ABSENT) == 1 and count(later, b.id, ATTENDED) == 1
