"""`python -m celery -A tests.notify.worker_app worker`: the real worker of test_worker.py.

Built from the environment exactly as worker/__init__.py builds the production worker, with the
test modules and the first-party modules registered and the test run's own queue and Redis key
prefix. The reception-days worker test (tests/modules/reception_days/test_worker.py) uses it too.
"""

import os

from lianxin.app import create_app
from lianxin.modules.registry import load_first_party
from tests.notify.worker_tasks import isolate
from tests.testmodule import TEST_MODULES

flask_app = create_app(modules=(*TEST_MODULES, *load_first_party()))
celery = flask_app.extensions["celery"]
isolate(
    celery, queue=os.environ["LIANXIN_TEST_QUEUE"], result_backend=os.environ["LIANXIN_BROKER_URL"]
)
app = celery
