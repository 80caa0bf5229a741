"""Benchmark: what one request of each load path costs the app alone, and where it goes.

    .venv/bin/python infra/bench/paths.py [--preset quick] [--requests 200] \
        [--profile "case list API"] [--top 40] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Makes the same throwaway database, province and bench users as load.py, then drives the same
GET paths in-process (Flask's test client, one thread, no server and no other load) as the
RLS-bound application role, and prints per path the milliseconds per request and the SQL
statements per request (counted with SQLAlchemy's `before_cursor_execute`). With `--profile`
it runs that path under cProfile and prints the functions with the most time of their own:
the figures load.py's p95 is made of, without the queue. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import in_process_app, paths, prepare
from province import PRESETS, generate, superuser_url_for
from roster_import import add_database_url, throwaway_database


def run(args: argparse.Namespace) -> None:
    from sqlalchemy import event

    tmp = Path(tempfile.mkdtemp(prefix="lx-bench-paths-"))
    try:
        with throwaway_database(args.database_url) as (owner_url, app_url):
            province = generate(
                superuser_url_for(args.database_url, owner_url), args.preset, log=lambda _m: None
            )
            app = in_process_app(app_url, tmp)
            setup = prepare(app, province)
            users = [t["user"] for t in setup["targets"]] + [setup["county"][2]]
            specs = paths(setup, {u: f"user:{u}" for u in users})
            statements = [0]

            def count(*_args: Any) -> None:
                statements[0] += 1

            engine = app.extensions["lianxin.db"].engine
            event.listen(engine, "before_cursor_execute", count)
            clients: dict[str | None, Any] = {}

            def client_for(username: str | None) -> Any:
                if username not in clients:
                    client = clients[username] = app.test_client()
                    if username:
                        signed_in = client.post(
                            "/login", data={"username": username, "password": province.password}
                        )
                        assert signed_in.status_code == 302, username
                return clients[username]

            print(
                f"preset {args.preset} {PRESETS[args.preset]}: {args.requests} requests per "
                "path, in-process, one thread"
            )
            print(f"{'path':<18} {'ms/request':>10} {'statements':>10} {'bytes':>7}")
            for spec in specs:
                if spec["method"] != "GET":
                    continue
                calls = []
                for url in spec["urls"]:
                    headers = dict(spec["auth"].get(url, {}))
                    cookie = headers.pop("Cookie", "")
                    user = cookie.removeprefix("user:") or None
                    calls.append((url, client_for(user), headers))
                for url, client, headers in calls:  # warm: caches, prepared statements
                    assert client.get(url, headers=headers).status_code == 200, url
                profiler = cProfile.Profile() if spec["name"] == args.profile else None
                statements[0] = 0
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                for n in range(args.requests):
                    url, client, headers = calls[n % len(calls)]
                    response = client.get(url, headers=headers)
                if profiler:
                    profiler.disable()
                seconds = time.perf_counter() - started
                print(
                    f"{spec['name']:<18} {seconds / args.requests * 1000:>10.2f} "
                    f"{statements[0] / args.requests:>10.1f} {len(response.data):>7}"
                    + ("  (under cProfile)" if profiler else "")
                )
                if profiler:
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
                    print(out.getvalue())
            event.remove(engine, "before_cursor_execute", count)
            engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="run this path (by name) under cProfile")
    parser.add_argument("--top", type=int, default=40)
    add_database_url(parser)
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
