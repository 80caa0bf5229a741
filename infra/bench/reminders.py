"""Benchmark: a reminder to every representative of the province, through the outbox, delivered by
two real Celery workers on Redis.

    .venv/bin/python infra/bench/reminders.py [--preset quick|full] [--concurrency 1] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Writes the preset's roll (province.generate without cases: townships, accounts and every
representative) into a throwaway database, starts two Celery worker processes (`celery -A worker
worker`, the production entry point, as the application role, `--concurrency` pool processes
each) on Redis database 14 (flushed before and after; no other database is touched), then,
township by township as the application role in the township's context, enqueues one SMS
reminder per representative with `notify.enqueue_many` (a dedupe key per person, one
`INSERT … ON CONFLICT DO NOTHING` per 500 rows, as a reminder sweep does) and commits: the commit
publishes one `outbox.deliver_batch` task per 500 messages. Prints the time to enqueue (rows
written and tasks published), the time until the last message is marked delivered, and
messages/s. The SMS channel is `log` (nothing leaves the
machine). The workers are stopped and everything is dropped at the end. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from province import PRESETS, generate, superuser_url_for
from roster_import import add_database_url, throwaway_database

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"
SECRET = "bench-secret-key-not-for-production"


def run(args: argparse.Namespace) -> None:
    import redis
    from sqlalchemy import func, select

    tmp = Path(tempfile.mkdtemp(prefix="lx-bench-reminders-"))
    redis_client = redis.Redis.from_url(REDIS_URL)
    redis_client.flushdb()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with throwaway_database(args.database_url) as (owner_url, app_url):
            started = time.perf_counter()
            province = generate(
                superuser_url_for(args.database_url, owner_url),
                args.preset,
                log=lambda _m: None,
                with_cases=False,  # the roll is all a reminder needs
            )
            print(
                f"roll of preset {args.preset} ({sum(province.rows.values()):,} rows) written in "
                f"{time.perf_counter() - started:.0f} s"
            )
            env = {
                **os.environ,
                "LIANXIN_DATABASE_URL": app_url,
                "LIANXIN_BROKER_URL": REDIS_URL,
                "LIANXIN_SECRET_KEY": SECRET,
                "LIANXIN_PUBLIC_BASE_URL": "http://127.0.0.1",
                "LIANXIN_INSTANCE_PATH": str(tmp),
                "LIANXIN_SMS_CHANNEL": "log",
            }
            os.environ.update({k: env[k] for k in env if k.startswith("LIANXIN_")})
            for n in (1, 2):
                workers.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "worker",
                            "worker",
                            "--loglevel",
                            "WARNING",
                            "--concurrency",
                            str(args.concurrency),
                            "--hostname",
                            f"bench{n}@%h",
                            "--without-gossip",
                            "--without-mingle",
                            "--without-heartbeat",
                        ],
                        cwd=REPO,
                        env=env,
                        stdout=(tmp / f"worker{n}.log").open("wb"),
                        stderr=subprocess.STDOUT,
                    )
                )
            from lianxin.app import create_app
            from lianxin.db import db
            from lianxin.db.tenancy import no_tenant_context, tenant_context
            from lianxin.notify import service as notify
            from lianxin.notify.models import OutboxMessage, OutboxStatus
            from lianxin.people.models import Representative

            app = create_app()
            total = 0
            with app.app_context():
                time.sleep(3)  # let the workers connect; delivery starts as soon as tasks arrive
                started = time.perf_counter()
                for township_id, _county, _slug in province.townships:
                    # As a reminder sweep does: one bulk enqueue per township, then the commit
                    # publishes one delivery task per 500 messages.
                    with tenant_context(township_id):
                        reps = db.session.execute(
                            select(Representative.id, Representative.phone)
                        ).all()
                        notify.enqueue_many(
                            "sms",
                            (
                                (
                                    {"phone": phone, "text": "连心提醒：本季度履职登记还剩7天"},
                                    f"bench-reminder:{township_id}:{rep_id}",
                                )
                                for rep_id, phone in reps
                            ),
                            tenant_id=township_id,
                        )
                        db.session.commit()
                        total += len(reps)
                enqueued = time.perf_counter() - started
                print(
                    f"reminders, preset {args.preset}: {total:,} messages for "
                    f"{len(province.townships):,} townships enqueued (outbox rows + tasks "
                    f"published) in {enqueued:.1f} s = {total / enqueued:,.0f} messages/s"
                )
                deadline = time.monotonic() + args.timeout
                delivered = 0
                while time.monotonic() < deadline:
                    with no_tenant_context():
                        delivered = db.session.scalar(
                            select(func.count()).where(
                                OutboxMessage.status == OutboxStatus.DELIVERED
                            )
                        )
                    db.session.rollback()
                    if delivered >= total:
                        break
                    if any(w.poll() is not None for w in workers):
                        raise SystemExit("a worker exited:\n" + (tmp / "worker1.log").read_text())
                    time.sleep(0.5)
                seconds = time.perf_counter() - started
                print(
                    f"delivered {delivered:,} of {total:,} by 2 workers x {args.concurrency} "
                    f"process(es) {seconds:.1f} s after the first enqueue = "
                    f"{delivered / seconds:,.0f} messages/s end to end"
                )
                db.session.remove()
            app.extensions["lianxin.db"].engine.dispose()
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        redis_client.flushdb()
        redis_client.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800)
    add_database_url(parser)
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
