"""The Celery entry point: `celery -A worker worker` and `celery -A worker beat`.

Importing this module builds the Flask app from the environment; the app's tasks run in its
context (lianxin.jobs.PlatformTask). Run exactly one beat process.
"""

from lianxin.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
app = celery
