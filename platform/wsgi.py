"""The WSGI entry point for gunicorn: `gunicorn -c infra/gunicorn.conf.py lianxin.wsgi:app`."""

from lianxin.app import create_app
from lianxin.web.health import exit_unless_ready

app = create_app()
exit_unless_ready(app)
