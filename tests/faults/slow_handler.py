"""An outbox topic whose first delivery hangs (so a test can kill the worker in the middle of
it) and whose effect is a notification row, written in the delivery's transaction."""

from __future__ import annotations

import os
import time
from pathlib import Path

from lianxin.db import db
from lianxin.notify import service
from lianxin.notify.models import Notification, OutboxMessage


@service.handler("lianxin_test.slow")
def slow(message: OutboxMessage) -> None:
    log = Path(message.payload["log"])
    with log.open("a") as out:  # one line per run: the test counts deliveries and sees the pid
        out.write(f"{os.getpid()}\n")
    if len(log.read_text().split()) == 1:
        time.sleep(60)  # the first run never finishes: the test kills it
    db.session.add(
        Notification(
            user_id=message.payload["user_id"],
            tenant_id=message.tenant_id,
            outbox_id=message.id,
            title="杀不死的通知",
            body="",
        )
    )
