"""`python -m celery -A tests.faults.worker_app worker`: the worker of the SIGKILL drill.

Built from the environment as worker/__init__.py builds the production worker (its visibility
timeout and restore sweep from LIANXIN_CELERY_*), with the test modules, the drill's slow
outbox topic, and the run's own queue on the drill's own Redis.
"""

import os

import tests.faults.slow_handler  # noqa: F401 - registers the outbox topic "lianxin_test.slow"
from lianxin.app import create_app
from tests.notify.worker_tasks import isolate
from tests.testmodule import TEST_MODULES

flask_app = create_app(modules=TEST_MODULES)
celery = flask_app.extensions["celery"]
isolate(
    celery, queue=os.environ["LIANXIN_TEST_QUEUE"], result_backend=os.environ["LIANXIN_BROKER_URL"]
)
app = celery
