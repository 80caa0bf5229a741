"""infra/compose.yaml, read without Docker (there is none on the development machine).

What can be checked here: the file parses, docker-compose 1.x would accept its top level, every
image carries a version tag (never `latest`), the object store's bucket is made by a one-shot
service, and PgBouncer runs the shipped pgbouncer.ini in transaction mode with only its
addresses changed — that last part by running the service's own sed on the shipped file.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

INFRA = Path(__file__).resolve().parents[2] / "infra"
COMPOSE = INFRA / "compose.yaml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def _script(service: dict[str, Any]) -> str:
    command = service["command"]
    return "\n".join(command) if isinstance(command, list) else str(command)


def _pinned(image: str) -> bool:
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag not in {"", "latest"}


def test_top_level_is_what_docker_compose_1_accepts(compose: dict[str, Any]) -> None:
    # docker-compose 1.x refuses `name:`; the project name comes from -p or COMPOSE_PROJECT_NAME.
    assert set(compose) <= {"services", "volumes", "networks", "configs", "secrets"}, set(compose)
    assert "COMPOSE_PROJECT_NAME" in COMPOSE.read_text()


def test_every_image_has_a_version_tag(compose: dict[str, Any]) -> None:
    images = {name: s.get("image") for name, s in compose["services"].items()}
    assert all(images.values()), [n for n, i in images.items() if not i]
    unpinned = {n: i for n, i in images.items() if not _pinned(i) or "@" in i.split(":")[0]}
    assert not unpinned, unpinned
    assert "latest" not in COMPOSE.read_text().replace("never to `latest`", "")
    # The one image built here starts from a tagged base too.
    for service in compose["services"].values():
        if "build" in service:
            dockerfile = INFRA / service["build"] / "Dockerfile"
            bases = re.findall(r"^FROM\s+(\S+)", dockerfile.read_text(), re.MULTILINE)
            assert bases and all(_pinned(b) for b in bases), bases


def test_no_minio(compose: dict[str, Any]) -> None:
    assert not [s for s in compose["services"].values() if "minio" in s["image"]]


def test_object_store_bucket_and_key_are_made_in_the_file(compose: dict[str, Any]) -> None:
    services = compose["services"]
    store = services["seaweedfs"]
    init = services["seaweedfs-init"]
    assert init["restart"] == "no"
    assert init["depends_on"]["seaweedfs"]["condition"] == "service_healthy"
    assert "s3.bucket.create -name $$BUCKET" in _script(init)
    # The application's key pair, from infra/.env, is the store's only identity, bucket-bound.
    script = _script(store)
    assert "-s3.config=/etc/seaweedfs/s3.json" in script
    for action in ("Read", "Write", "List"):
        assert f'"{action}:$$BUCKET"' in script
    assert '"Admin' not in script
    assert store["environment"]["APP_ACCESS_KEY"].startswith("${LIANXIN_S3_ACCESS_KEY:?")
    assert all(p.startswith("127.0.0.1:") for p in store["ports"])


def test_pgbouncer_runs_the_shipped_config_in_transaction_mode(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    services = compose["services"]
    bouncer = services["pgbouncer"]
    assert "./pgbouncer/pgbouncer.ini:/etc/lianxin/pgbouncer.ini:ro" in bouncer["volumes"]
    assert bouncer["depends_on"]["pgbouncer-userlist"]["condition"] == (
        "service_completed_successfully"
    )
    assert bouncer["ports"] == ["127.0.0.1:6432:6432"]
    assert "pg_authid" in _script(services["pgbouncer-userlist"])

    shipped = configparser.ConfigParser(interpolation=None)
    shipped.read(INFRA / "pgbouncer" / "pgbouncer.ini")
    assert shipped["pgbouncer"]["pool_mode"] == "transaction"
    assert shipped["pgbouncer"]["listen_port"] == "6432"

    if shutil.which("sed") is None:
        pytest.skip("no sed to run the service's script with")
    out = tmp_path / "pgbouncer.ini"
    script = (
        _script(bouncer)
        .replace("$$", "$")
        .replace("/etc/lianxin/pgbouncer.ini", str(INFRA / "pgbouncer" / "pgbouncer.ini"))
        .replace("/tmp/pgbouncer.ini", str(out))
        .replace("exec /usr/sbin/pgbouncer", "true")
    )
    subprocess.run(["sh", "-ec", script], check=True, timeout=10)
    made = configparser.ConfigParser(interpolation=None)
    made.read(out)
    assert made["databases"]["lianxin"].startswith("host=postgres port=5432 ")
    assert made["pgbouncer"]["listen_addr"] == "0.0.0.0"
    assert made["pgbouncer"]["auth_file"] == "/etc/pgbouncer-auth/userlist.txt"
    assert made["pgbouncer"]["logfile"] == ""
    # Everything else as shipped.
    for key, value in shipped["pgbouncer"].items():
        if key not in {"listen_addr", "auth_file", "logfile"}:
            assert made["pgbouncer"][key] == value, key
