import time, pytest
from lianxin.db import db
from lianxin.notify import service
from lianxin.notify.models import Notification, OutboxMessage
from sqlalchemy import select, func

@pytest.fixture
def app_config():
    return {"CELERY_EAGER": False, "BROKER_URL": "redis://127.0.0.1:1/0"}

def test_probe(app, world):
    t=time.monotonic()
    m = service.notify([world.users["township_admin"].id], "hi", tenant_id=world.township.id)
    db.session.commit()
    print("elapsed", time.monotonic()-t)
    print(db.session.get(OutboxMessage, m.id).status)
