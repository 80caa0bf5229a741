"""The bare floor of load.py: a tiny WSGI app that runs the same SQL as the real request.

    gunicorn -c infra/gunicorn.conf.py --pythonpath infra/bench floor:app

For each URL load.py drives, it recorded (with SQLAlchemy's cursor events, in-process, as the
same role) every statement and its parameters that the real application sent to PostgreSQL to
answer it — the tenant `set_config`, the session or token lookup, the permission checks, the
page's queries. This app replays exactly those statements with plain psycopg in one transaction
on a per-thread connection and returns every fetched row as JSON: what the request costs with no
Flask, SQLAlchemy ORM, marshmallow or Jinja on top. It reads the recording from
`LIANXIN_BENCH_FLOOR_FILE` and connects to `LIANXIN_BENCH_FLOOR_DSN`.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
from typing import Any

import psycopg

with open(os.environ["LIANXIN_BENCH_FLOOR_FILE"], "rb") as handle:
    RECORDED: dict[str, list[tuple[str, Any]]] = pickle.load(handle)
DSN = os.environ["LIANXIN_BENCH_FLOOR_DSN"]
_local = threading.local()


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(DSN)
    return conn


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    key = environ.get("PATH_INFO", "")
    if environ.get("QUERY_STRING"):
        key += "?" + environ["QUERY_STRING"]
    statements = RECORDED.get(key)
    if statements is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not recorded"]
    conn = _connection()
    results = []
    with conn.transaction(), conn.cursor() as cur:
        for statement, parameters in statements:
            cur.execute(statement, parameters)
            if cur.description:
                results.append(cur.fetchall())
    body = json.dumps(results, default=str, ensure_ascii=False).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
