"""Where file bytes live: a local folder (embedded default) or any S3-compatible store."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO, Protocol

from flask import Flask, current_app


class StorageError(RuntimeError):
    """The store could not be reached or refused the operation."""


class Storage(Protocol):
    def put(self, key: str, stream: IO[bytes], content_type: str) -> None: ...
    def open(self, key: str) -> IO[bytes]: ...
    def delete(self, key: str) -> None: ...
    def close(self) -> None: ...


class LocalStorage:
    def __init__(self, root: str) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError("key escapes the storage root")
        return path

    def put(self, key: str, stream: IO[bytes], content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        with tmp.open("wb") as out:
            shutil.copyfileobj(stream, out)
        tmp.replace(path)  # atomic: a reader never sees half a file

    def open(self, key: str) -> IO[bytes]:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise StorageError(f"missing object {key}") from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def close(self) -> None:
        pass


SINGLE_PUT_LIMIT = 1024 * 1024 * 1024  # bytes; uploads and generated files stay far below


class S3Storage:
    def __init__(self, bucket: str, endpoint_url: str | None, region: str) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30
            ),
        )

    def put(self, key: str, stream: IO[bytes], content_type: str) -> None:
        from boto3.s3.transfer import TransferConfig
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # One PUT, never a multipart upload: a PUT is atomic (the object exists whole or not
            # at all), while a multipart upload cut off with the endpoint leaves parts behind
            # that its abort cannot reach. Uploads are capped far below S3's 5 GB for one PUT.
            self.client.upload_fileobj(
                stream,
                self.bucket,
                key,
                ExtraArgs={"ContentType": content_type},
                Config=TransferConfig(multipart_threshold=SINGLE_PUT_LIMIT),
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def open(self, key: str) -> IO[bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def close(self) -> None:
        """Close the pooled HTTP connections."""
        self.client.close()


def init_app(app: Flask) -> None:
    backend = app.config["STORAGE_BACKEND"]
    if backend == "local":
        storage: Storage = LocalStorage(app.config["STORAGE_LOCAL_ROOT"])
    elif backend == "s3":
        storage = S3Storage(
            app.config["S3_BUCKET"], app.config["S3_ENDPOINT_URL"], app.config["S3_REGION"]
        )
    else:
        raise RuntimeError(f"unknown LIANXIN_STORAGE {backend!r} (local or s3)")
    app.extensions["lianxin.storage"] = storage


def storage() -> Storage:
    return current_app.extensions["lianxin.storage"]
