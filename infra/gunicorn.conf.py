"""Production gunicorn settings for Lianxin.

Run (see infra/systemd/lianxin-web.service):

    /opt/lianxin/.venv/bin/gunicorn -c /opt/lianxin/infra/gunicorn.conf.py lianxin.wsgi:app

Knobs come from the environment, like the application's own settings:

    LIANXIN_WEB_BIND      address to listen on (default 127.0.0.1:8000; nginx proxies to it)
    LIANXIN_WEB_WORKERS   worker processes (default: one per CPU core this process may use)
    LIANXIN_WEB_THREADS   threads per worker (default 4)
    LIANXIN_WEB_TIMEOUT   seconds before a silent worker is killed and replaced (default 60)
    LIANXIN_WEB_LOG_LEVEL gunicorn's own log level (default info)
    LIANXIN_LOG_FORMAT    json (default; text with a SQLite database) or text, for gunicorn's
                          lines and the application's (lianxin.logs)
    LIANXIN_LOG_LEVEL     the application's log level (default INFO)

One worker per core, each with threads: the web workers are CPU-bound (infra/bench/README.md:
on 2 cores, 2, 4 and 5 workers served the same requests per second, and more processes than
cores only lengthened the tail and cost about 190 MB each), so the old `2 * CPUs + 1` rule of
thumb, meant for workers that mostly wait, only adds memory and latency here. The threads let a
worker go on serving while one request waits on the database, S3 or a slow client.

Every thread can hold one database connection, so the PostgreSQL connections used by the web
tier are about WORKERS * THREADS per node; keep the sum over all nodes, the Celery workers and
the migration role below PostgreSQL's max_connections (or put PgBouncer in between, in
transaction mode: the tenant setting is transaction-local, so that is safe).
"""

import os

from lianxin.logs import gunicorn_logconfig


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # respects CPU pinning and cgroup cpusets
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# The socket: loopback only. The application trusts X-Forwarded-* from one proxy (ProxyFix),
# so nothing but nginx may reach this port. If nginx runs on another host, bind to a private
# address and firewall it to the nginx hosts.
bind = [os.environ.get("LIANXIN_WEB_BIND", "127.0.0.1:8000")]
backlog = 2048

# Processes and threads. gthread: each worker serves several requests at once, so a slow
# client or a slow query does not block the whole process; nginx buffers request bodies.
worker_class = "gthread"
workers = _int("LIANXIN_WEB_WORKERS", _cpus())
threads = _int("LIANXIN_WEB_THREADS", 4)

# Timeouts. Anything slow (exports, imports, mail) belongs in Celery, not in a request.
timeout = _int("LIANXIN_WEB_TIMEOUT", 60)
graceful_timeout = 30  # on restart/SIGTERM, let in-flight requests finish
keepalive = 5  # idle keep-alive connections from nginx (upstream keepalive)

# Recycle workers now and then so that slow leaks cannot accumulate; the jitter keeps all
# workers from restarting at the same moment.
max_requests = 2000
max_requests_jitter = 200

# Load the application in each worker, after the fork: no database pool, Redis connection or
# boto3 client is shared between processes, and a code reload (`systemctl reload`, HUP)
# really reloads the code.
preload_app = False

# Request line/header limits (defaults, stated explicitly). Body size is limited by nginx
# (client_max_body_size) and by the application (LIANXIN_MAX_REQUEST_BYTES).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Logs go to stdout (access) and stderr (everything else), which systemd hands to the journal:
# one JSON object per line (LIANXIN_LOG_FORMAT=text for plain lines), the same configuration as
# the application's (lianxin.logs), secrets scrubbed. The access log's request line, path, query
# and referrer have their one-time tokens replaced by [redacted]; its JSON fields are method,
# path, status, bytes, duration_ms and request_id (nginx's X-Request-ID). The client address is
# left out: nginx's own access log has it, with the same request id.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LIANXIN_WEB_LOG_LEVEL", "info")
access_log_format = '"%(r)s" %(s)s %(B)s %(M)sms'
capture_output = False
logger_class = "lianxin.logs.GunicornLogger"
logconfig_dict = gunicorn_logconfig(os.environ)

proc_name = "lianxin-web"

# gunicorn >= 25 opens a control socket under $HOME, which the systemd unit keeps read-only;
# systemctl's signals (reload = HUP, stop = TERM) are all this deployment uses. Older gunicorn
# versions ignore the unknown setting.
control_socket_disable = True
