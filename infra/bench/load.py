"""Benchmark: the web tier under load, against its bare floor, with row-level security on and off.

    .venv/bin/python infra/bench/load.py [--preset quick|full] [--clients 32] \
        [--requests 1500] [--seconds 12] [--rounds 2] [--workers 2] [--threads 4] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. Makes a throwaway database (roster_import.throwaway_database), writes the preset's province
   (province.generate, bulk COPY), refreshes one county's rollups (nightly refresh) and makes API
   tokens and signed-in sessions for eight townships' admins and that county's admin.
2. Records, in-process as the application role, every SQL statement each target URL sends
   (floor.py replays them).
3. Signs the bench users in on a short-lived server of their own, then serves three gunicorn
   servers at once on 127.0.0.1 with infra/gunicorn.conf.py (`--workers` processes of
   `--threads` threads, no worker recycling during the run):
   - the app as the row-level-security-bound application role (as in production),
   - the app as a BYPASSRLS role that is a member of the application role (same grants; the
     ORM's tenant filter still applies, so the difference is the policies' cost),
   - the bare floor (floor.py: the same SQL with psycopg, the rows as JSON).
   A second process (`load.py --drive`) runs `--clients` threads with keep-alive connections
   (http.client) over each path on each server in turn, `--rounds` interleaved rounds (on,
   off, floor, on, off, floor: the machine's drift hits all three alike), each leg until its
   share of `--requests` or of `--seconds`, after a warm-up of 2 requests per client.
4. Prints p50/p95/p99 and requests/s per path and server, the ratio of each path to its floor
   and of RLS on to RLS off, and the peak RSS (VmHWM) of each gunicorn worker.

The public submission's rate limit is raised (LIANXIN_PUBLIC_SUBMIT_RATE_LIMIT, and the login
limit for the bench sessions) for the run: 32 clients from one address would otherwise be
refused after five. The limiter itself still runs, on Redis db 14 (the broker of the run, which
also receives the submissions' notification tasks; db 14 is flushed at the end). Not part of
`make test`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import pickle
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from county_comparison import percentile
from province import PRESETS, generate, superuser_url_for
from roster_import import add_database_url, throwaway_database

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = "redis://127.0.0.1:6379/14"
SECRET = "bench-secret-key-not-for-production"
SAMPLE_TOWNSHIPS = 8
CASES_PER_TOWNSHIP = 6
TOWNSHIP_READS = ("case list API", "case list page", "case detail API", "case detail page")
COUNTY_READS = ("comparison page", "comparison API")


# --- the driver (a second process) ----------------------------------------------------------------


def _csrf(body: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', body
    )
    assert match, "no csrf_token on the form"
    return match.group(1)


def _cookie(response: http.client.HTTPResponse) -> str:
    cookies = [h.split(";", 1)[0] for k, h in response.getheaders() if k.lower() == "set-cookie"]
    return "; ".join(cookies)


def drive(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Run every leg (a path on a server's port) of `spec` in turn with `clients` threads."""
    return [_drive_path({**spec, "port": leg["port"]}, leg["path"]) for leg in spec["legs"]]


def _drive_path(spec: dict[str, Any], path: dict[str, Any]) -> dict[str, Any]:
    host, port = "127.0.0.1", spec["port"]
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    issued = [0]
    warmup = 2
    deadline = [0.0]
    # The clock starts when the last client is warm: the barrier's action sets the deadline
    # before any client is released (a client must never see the deadline unset).
    clock = [0.0]

    def start_clock() -> None:
        clock[0] = time.perf_counter()
        deadline[0] = clock[0] + spec["seconds"]

    ready = threading.Barrier(spec["clients"] + 1, action=start_clock)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        headers = dict(path.get("headers", {}))
        form_token = None
        if path["method"] == "POST":  # a public form: its session cookie and CSRF token
            conn.request("GET", path["form"])
            response = conn.getresponse()
            headers["Cookie"], form_token = _cookie(response), _csrf(response.read().decode())
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        n = 0

        def one() -> tuple[int, float]:
            nonlocal conn
            url = path["urls"][(index * 7 + n) % len(path["urls"])]
            body = None
            if path["method"] == "POST":
                body = urlencode(
                    {**path["data"], "csrf_token": form_token,
                     "title": f"{path['data']['title']}{index}-{n}"}
                )  # fmt: skip
            started = time.perf_counter()
            try:
                conn.request(
                    path["method"],
                    url,
                    body=body,
                    headers={**headers, **path.get("auth", {}).get(url, {})},
                )
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status = 0
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            return status, (time.perf_counter() - started) * 1000

        for _ in range(warmup):  # connections open, caches warm, before the clock starts
            one()
            n += 1
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return
        while True:
            with lock:
                if issued[0] >= spec["requests"] or time.perf_counter() > deadline[0]:
                    break
                issued[0] += 1
            status, elapsed = one()
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == path.get("status", 200):
                    latencies.append(elapsed)
            n += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(spec["clients"])]
    for thread in threads:
        thread.start()
    ready.wait()
    cpu_started = time.process_time()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - clock[0]
    return {
        "latencies": latencies,
        "seconds": elapsed,
        "statuses": statuses,
        "errors": errors[:3],
        # The driver's own CPU while it measured: it shares the 2 cores with the servers.
        "driver_cpu": time.process_time() - cpu_started,
    }


# --- the servers ----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _memory_mb(pid: int) -> tuple[float, float]:
    """(VmHWM, VmRSS) of a process in MB: its peak and its current resident size."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            fields[line.split(":")[0]] = int(line.split()[1]) / 1024
    return fields.get("VmHWM", 0.0), fields.get("VmRSS", 0.0)


def _wait_ready(port: int, path: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on {port}:\n{log.read_text()[-3000:]}")


class Server:
    def __init__(
        self, app: str, env: dict[str, str], args: argparse.Namespace, tmp: Path, port: int
    ):
        self.port = port
        self.log = tmp / f"gunicorn-{app.replace(':', '-')}-{time.monotonic_ns()}.log"
        command = [
            str(BIN / "gunicorn"),
            "-c",
            str(REPO / "infra/gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--max-requests",
            "0",  # no recycling during the run: the peak RSS is the worker's whole life
            "--access-logfile",
            "/dev/null",
            "--pythonpath",
            str(REPO / "infra/bench"),
            app,
        ]
        self.proc = subprocess.Popen(
            command,
            env={**os.environ, **env},
            cwd=tmp,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        _wait_ready(
            self.port, "/healthz" if app.startswith("lianxin") else "/", self.proc, self.log
        )

    def workers_peak_mb(self) -> list[tuple[float, float]]:
        return [_memory_mb(pid) for pid in _children(self.proc.pid)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- set-up ---------------------------------------------------------------------------------------


def _login(port: int, username: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    cookie, token = _cookie(response), _csrf(response.read().decode())
    body = urlencode({"username": username, "password": password, "csrf_token": token})
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"login {username}: {response.status}"
    return _cookie(response) or cookie


def in_process_app(app_url: str, tmp: Path) -> Any:
    """The app in this process as the application role: set-up, recording and paths.py."""
    from lianxin.app import create_app

    return create_app(
        {
            "DATABASE_URL": app_url,
            "SECRET_KEY": os.environ.get("LIANXIN_SECRET_KEY", SECRET),
            "BROKER_URL": "",
            "CELERY_EAGER": True,
            "INSTANCE_DIR": str(tmp),
            "STORAGE_LOCAL_ROOT": str(tmp / "files"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )


def prepare(app: Any, province: Any) -> dict[str, Any]:
    """Tokens, the county's rollups and the target URLs (cookies come later, from the server)."""
    from lianxin.auth import service as accounts
    from lianxin.auth.actor import actor_for
    from lianxin.auth.models import User
    from lianxin.county import periods
    from lianxin.county import service as comparison
    from lianxin.db import db

    county_id, county_slug = province.counties[0]
    townships = [t for t in province.townships if t[1] == county_id][:SAMPLE_TOWNSHIPS]
    with app.app_context():
        tokens = {}
        for username in [province.township_admin(t) for t, _c, _s in townships] + [
            province.county_admin(county_id)
        ]:
            user = db.session.query(User).filter_by(username=username).one()
            tokens[username] = accounts.create_api_token(actor_for(user), "bench").plaintext
            db.session.commit()
        started = time.perf_counter()
        refreshed = comparison.refresh_county(county_id)
        today = date.today()
        period_keys = [periods.containing(today, kind).key for kind in ("month", "quarter", "year")]
        print(
            f"county {county_slug}: nightly rollup refresh of {refreshed.townships} townships, "
            f"{refreshed.periods} township-periods in {time.perf_counter() - started:.1f} s"
        )
        db.session.remove()
    targets = []
    for t, _c, slug in townships:
        first, last = province.case_ids[t]
        step = max(1, (last - first) // CASES_PER_TOWNSHIP)
        targets.append(
            {"township": t, "slug": slug, "user": province.township_admin(t),
             "cases": [first + i * step for i in range(CASES_PER_TOWNSHIP)]}
        )  # fmt: skip
    return {
        "tokens": tokens,
        "county": (county_id, county_slug, province.county_admin(county_id)),
        "targets": targets,
        "periods": period_keys,
    }


def paths(setup: dict[str, Any], cookies: dict[str, str]) -> list[dict[str, Any]]:
    """Per path: its URLs and, per URL, the credentials (one user per township)."""
    tokens, (_cid, county_slug, county_user) = setup["tokens"], setup["county"]
    out: list[dict[str, Any]] = []

    def per_url(name: str, items: list[tuple[str, str, bool]]) -> None:
        # items: (url, user, api); each URL gets its own user's credentials.
        out.append(
            {
                "name": name,
                "method": "GET",
                "urls": [url for url, _u, _a in items],
                "auth": {
                    url: (
                        {"Authorization": f"Bearer {tokens[user]}"}
                        if api
                        else {"Cookie": cookies.get(user, "")}
                    )
                    for url, user, api in items
                },
            }
        )

    targets = setup["targets"]
    per_url(
        "case list API",
        [(f"/api/v1/t/{t['slug']}/cases/?page=1&page_size=50", t["user"], True) for t in targets],
    )
    per_url("case list page", [(f"/t/{t['slug']}/cases/", t["user"], False) for t in targets])
    per_url(
        "case detail API",
        [
            (f"/api/v1/t/{t['slug']}/cases/{c}", t["user"], True)
            for t in targets
            for c in t["cases"]
        ],
    )
    per_url(
        "case detail page",
        [(f"/t/{t['slug']}/cases/{c}", t["user"], False) for t in targets for c in t["cases"]],
    )
    per_url("public page", [(f"/p/{t['slug']}/", "", False) for t in targets])
    per_url(
        "comparison page",
        [(f"/c/{county_slug}/comparison/{q}", county_user, False)
         for q in ("", "?sort=cases_on_time&order=desc", "?metric=cases_received")],
    )  # fmt: skip
    per_url(
        "comparison API",
        [(f"/api/v1/c/{county_slug}/comparison/?period={p}{q}", county_user, True)
         for p in setup["periods"] for q in ("", "&sort=cases_on_time&order=desc")],
    )  # fmt: skip
    out.append(
        {
            "name": "public submission",
            "method": "POST",
            "form": f"/p/{targets[0]['slug']}/cases/new",
            "urls": [f"/p/{targets[0]['slug']}/cases/new"],
            "data": {
                "category": "其他",
                "title": "基准提交",
                "body": "路灯坏了，请尽快修理。",
                "raiser_name": "张三",
                "raiser_phone": "13900000000",
            },
            "auth": {},
        }
    )
    return out


def record_sql(
    app: Any, path_specs: list[dict[str, Any]], users: dict[str, str], password: str
) -> dict[str, list[tuple[str, Any]]]:
    """Every statement (and its parameters) each GET URL sends, from the app in-process; pages
    as the same user signed in on an in-process client (`users`: the URL's Cookie -> username)."""
    from sqlalchemy import event

    engine = app.extensions["lianxin.db"].engine
    recorded: list[tuple[str, Any]] = []

    def on_execute(_conn, _cursor, statement, parameters, _context, executemany):
        assert not executemany, statement
        recorded.append((statement, parameters))

    clients: dict[str, Any] = {}

    def client_for(username: str | None) -> Any:
        if username not in clients:
            client = clients[username] = app.test_client()
            if username:
                response = client.post("/login", data={"username": username, "password": password})
                assert response.status_code == 302, (username, response.status_code)
        return clients[username]

    out: dict[str, list[tuple[str, Any]]] = {}
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        for spec in path_specs:
            if spec["method"] != "GET":
                continue
            for url in spec["urls"]:
                headers = dict(spec["auth"].get(url, {}))
                client = client_for(users.get(headers.pop("Cookie", "")))
                client.get(url, headers=headers)  # warm caches: record the steady state
                recorded.clear()
                response = client.get(url, headers=headers)
                assert response.status_code == 200, (url, response.status_code)
                out[url] = list(recorded)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return out


# --- the run --------------------------------------------------------------------------------------


def summarise(result: dict[str, Any]) -> dict[str, float]:
    values = result["latencies"]
    if not values:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "rps": 0}
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "rps": len(values) / result["seconds"],
    }


def run_driver(spec: dict[str, Any], tmp: Path) -> dict[str, Any]:
    spec_file = tmp / f"spec-{time.monotonic_ns()}.json"
    spec_file.write_text(json.dumps(spec))
    done = subprocess.run(
        [sys.executable, __file__, "--drive", str(spec_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"driver failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def run(args: argparse.Namespace) -> None:
    import redis
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    os.environ.setdefault("LIANXIN_SECRET_KEY", SECRET)

    tmp = Path(tempfile.mkdtemp(prefix="lx-bench-load-"))
    bypass = None
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    redis_client = redis.Redis.from_url(REDIS_URL)
    try:
        with throwaway_database(args.database_url) as (owner_url, app_url):
            started = time.perf_counter()
            province = generate(
                superuser_url_for(args.database_url, owner_url), args.preset, log=lambda _m: None
            )
            rows = sum(province.rows.values())
            seconds = time.perf_counter() - started
            print(
                f"load run, preset {args.preset} {PRESETS[args.preset]}: {rows:,} rows generated "
                f"in {seconds:.0f} s ({rows / seconds:,.0f} rows/s)"
            )
            app_role = make_url(app_url).username
            bypass = f"{app_role}_bypass"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE ROLE "{bypass}" LOGIN BYPASSRLS'))
                conn.execute(text(f'GRANT "{app_role}" TO "{bypass}"'))
            bypass_url = make_url(app_url).set(username=bypass).render_as_string(False)
            base_env = {
                "LIANXIN_SECRET_KEY": os.environ["LIANXIN_SECRET_KEY"],
                "LIANXIN_BROKER_URL": REDIS_URL,
                "LIANXIN_PUBLIC_BASE_URL": "http://127.0.0.1",
                "LIANXIN_INSTANCE_PATH": str(tmp),
                "LIANXIN_STORAGE_ROOT": str(tmp / "files"),
                "LIANXIN_PUBLIC_SUBMIT_RATE_LIMIT": "1000000 per minute",
                "LIANXIN_LOGIN_RATE_LIMIT": "1000 per minute",
                "LIANXIN_DATABASE_POOL_SIZE": str(args.threads),
            }
            app = in_process_app(app_url, tmp)
            setup = prepare(app, province)

            # Sign the bench users in on a server of their own (the session cookies are signed
            # with the shared key and hold on every server below), so that the measured
            # servers' peak memory is not the sign-ins' (argon2 takes 64 MiB a verification).
            app_env = {**base_env, "LIANXIN_DATABASE_URL": app_url}
            server = Server("lianxin.wsgi:app", app_env, args, tmp, args.port + 3)
            try:
                users = [t["user"] for t in setup["targets"]] + [setup["county"][2]]
                cookies = {u: _login(server.port, u, province.password) for u in users}
            finally:
                server.stop()
            specs = paths(setup, cookies)
            if args.paths:
                wanted = {name.strip() for name in args.paths.split(",")}
                specs = [spec for spec in specs if spec["name"] in wanted]
            recorded = record_sql(app, specs, {c: u for u, c in cookies.items()}, province.password)
            app.extensions["lianxin.db"].engine.dispose()
            floor_file = tmp / "floor.pickle"
            floor_file.write_bytes(pickle.dumps(recorded))
            as_app = make_url(app_url)
            floor_env = {
                "LIANXIN_BENCH_FLOOR_FILE": str(floor_file),
                "LIANXIN_BENCH_FLOOR_DSN": (
                    f"host={as_app.host} port={as_app.port or 5432} "
                    f"user={as_app.username} dbname={as_app.database}"
                ),
            }
            # All three servers up at once; each path is driven on them in turn, `--rounds`
            # times (on, off, floor, on, off, floor, ...), so that the machine's drift hits
            # them alike. An idle server costs nothing but memory.
            servers: dict[str, Server] = {}
            try:
                servers["rls"] = Server("lianxin.wsgi:app", app_env, args, tmp, args.port)
                bypass_env = {**base_env, "LIANXIN_DATABASE_URL": bypass_url}
                servers["bypass"] = Server("lianxin.wsgi:app", bypass_env, args, tmp, args.port + 1)
                servers["floor"] = Server("floor:app", floor_env, args, tmp, args.port + 2)
                legs, keys = [], []
                for path in specs:
                    for _round in range(args.rounds):
                        for name, server in servers.items():
                            if name == "floor" and path["method"] != "GET":
                                continue
                            leg_path = {**path, "auth": {}} if name == "floor" else path
                            legs.append({"port": server.port, "path": leg_path})
                            keys.append((name, path["name"]))
                spec = {
                    "clients": args.clients,
                    "requests": max(1, args.requests // args.rounds),
                    "seconds": args.seconds / args.rounds,
                    "legs": legs,
                }
                results: dict[str, dict[str, Any]] = {name: {} for name in servers}
                for (name, path_name), leg in zip(keys, run_driver(spec, tmp), strict=True):
                    merged = results[name].setdefault(
                        path_name, {"latencies": [], "seconds": 0.0, "statuses": {}, "errors": []}
                    )
                    merged["latencies"] += leg["latencies"]
                    merged["seconds"] += leg["seconds"]
                    merged["driver_cpu"] = merged.get("driver_cpu", 0.0) + leg["driver_cpu"]
                    merged["errors"] += leg["errors"]
                    for status, count in leg["statuses"].items():
                        merged["statuses"][status] = merged["statuses"].get(status, 0) + count
                peaks = {name: server.workers_peak_mb() for name, server in servers.items()}
            finally:
                for server in servers.values():
                    server.stop()
            report(args, results, peaks)
    finally:
        if bypass:
            with admin.connect() as conn:
                conn.execute(text(f'DROP ROLE IF EXISTS "{bypass}"'))
        admin.dispose()
        redis_client.flushdb()
        redis_client.close()
        shutil.rmtree(tmp, ignore_errors=True)


def report(
    args: argparse.Namespace, results: dict[str, Any], peaks: dict[str, list[tuple[float, float]]]
) -> None:
    print(
        f"{args.clients} clients, gunicorn {args.workers} workers x {args.threads} threads "
        f"(gthread), at most {args.requests} requests or {args.seconds} s per path and server, "
        f"in {args.rounds} interleaved rounds"
    )
    print(
        f"{'path':<18} {'server':<7} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'req/s':>7}  {'p95/floor':>9} {'p95 RLS/off':>11} {'req/s RLS/off':>13}  non-200"
    )
    for name in results["rls"]:
        for server in ("rls", "bypass", "floor"):
            result = results[server].get(name)
            if result is None:
                continue
            s = summarise(result)
            ratio_floor = ratio_rls = ratio_rps = ""
            if server == "rls":
                floor = results["floor"].get(name)
                if floor and floor["latencies"]:
                    ratio_floor = f"{s['p95'] / summarise(floor)['p95']:.1f}x"
                off = summarise(results["bypass"][name])
                if off["n"]:
                    ratio_rls = f"{(s['p95'] / off['p95'] - 1) * 100:+.0f}%"
                    ratio_rps = f"{(s['rps'] / off['rps'] - 1) * 100:+.1f}%"
            bad = {k: v for k, v in result["statuses"].items() if k not in ("200", "302")}
            label = {"rls": "RLS on", "bypass": "RLS off", "floor": "floor"}[server]
            print(
                f"{name:<18} {label:<7} {s['n']:>5} {s['p50']:>8.1f} {s['p95']:>8.1f} "
                f"{s['p99']:>8.1f} {s['rps']:>7.1f}  {ratio_floor:>9} {ratio_rls:>11} "
                f"{ratio_rps:>13}  "
                f"{bad or ''} {' '.join(result['errors'])}"
            )
    # Row-level security's cost as throughput: a closed loop's p95 is mostly the queue, and
    # requests per second summed over the paths is far steadier than any one path's p95.
    summed = {
        server: sum(summarise(r)["rps"] for r in results[server].values())
        for server in ("rls", "bypass")
    }
    if summed["bypass"]:
        print(
            f"summed over the paths: RLS on {summed['rls']:.0f} req/s, RLS off "
            f"{summed['bypass']:.0f} req/s ({(summed['rls'] / summed['bypass'] - 1) * 100:+.1f} %)"
        )
    cpu = sum(r.get("driver_cpu", 0.0) for by_path in results.values() for r in by_path.values())
    wall = sum(r["seconds"] for by_path in results.values() for r in by_path.values())
    done = sum(len(r["latencies"]) for by_path in results.values() for r in by_path.values())
    print(
        f"load driver: {cpu:.1f} CPU s over {wall:.1f} s measured ({cpu / max(wall, 1e-9):.0%} of "
        f"one core), {cpu / max(done, 1) * 1e6:.0f} us of CPU per request"
    )
    for server, values in peaks.items():
        print(
            f"per worker ({server}): peak RSS (VmHWM) / RSS at the end "
            + ", ".join(f"{hwm:.0f} / {rss:.0f} MB" for hwm, rss in values)
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=18731)
    parser.add_argument("--paths", help="only these paths, by name, comma-separated")
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    add_database_url(parser)
    args = parser.parse_args(argv)
    if args.drive:
        spec = json.loads(Path(args.drive).read_text())
        print(json.dumps(drive(spec)))
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
