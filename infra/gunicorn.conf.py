"""Production gunicorn settings for Lianxin.

Run (see infra/systemd/lianxin-web.service):

    /opt/lianxin/.venv/bin/gunicorn -c /opt/lianxin/infra/gunicorn.conf.py lianxin.wsgi:app

Knobs come from the environment, like the application's own settings:

    LIANXIN_WEB_BIND      address to listen on (default 127.0.0.1:8000; nginx proxies to it)
    LIANXIN_WEB_WORKERS   worker processes (default 2 * CPUs + 1)
    LIANXIN_WEB_THREADS   threads per worker (default 4)
    LIANXIN_WEB_TIMEOUT   seconds before a silent worker is killed and replaced (default 60)
    LIANXIN_WEB_LOG_LEVEL gunicorn's own log level (default info)

Every thread can hold one database connection, so the PostgreSQL connections used by the web
tier are about WORKERS * THREADS per node; keep the sum over all nodes, the Celery workers and
the migration role below PostgreSQL's max_connections (or put PgBouncer in between, in
transaction mode: the tenant setting is transaction-local, so that is safe).
"""

import os


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
workers = _int("LIANXIN_WEB_WORKERS", 2 * _cpus() + 1)
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

# Logs go to stdout/stderr, which systemd hands to the journal. The client address is left
# out: behind nginx it is always the proxy, and nginx's own access log has the real one.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LIANXIN_WEB_LOG_LEVEL", "info")
access_log_format = '"%(r)s" %(s)s %(B)s %(M)sms'
capture_output = False

proc_name = "lianxin-web"

# gunicorn >= 25 opens a control socket under $HOME, which the systemd unit keeps read-only;
# systemctl's signals (reload = HUP, stop = TERM) are all this deployment uses. Older gunicorn
# versions ignore the unknown setting.
control_socket_disable = True
