"""The archive itself: a zip written member by member to a file, never held in memory.

Each member is streamed into the zip while its SHA-256 is taken, and `manifest.json`, written
last, lists them all. JSON keeps every value as stored (timestamps ISO 8601 in UTC); CSV is
UTF-8 with a BOM for Excel, and a text cell that a spreadsheet would read as a formula gets a
leading apostrophe (`lianxin.spreadsheets.FORMULA_START`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import IO, Any

from lianxin.spreadsheets import FORMULA_START

FORMAT = "lianxin-township-export"
FORMAT_VERSION = 1
CHUNK = 1 << 16


def plain(value: Any) -> Any:
    """A stored value as JSON has it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return str(value)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: text a spreadsheet would run as a formula is made inert."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


class _Hashing(io.RawIOBase):
    """A writable member that hashes and counts what passes through."""

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._target.write(chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return len(chunk)


class ArchiveWriter:
    """Members written one after another into a zip file on disk; `close` adds the manifest."""

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.members: dict[str, dict[str, Any]] = {}

    def _open(self, name: str) -> tuple[IO[bytes], _Hashing]:
        if name in self.members or name == "manifest.json":
            raise ValueError(f"member {name} written twice")
        raw = self._zip.open(name, "w", force_zip64=True)
        return raw, _Hashing(raw)

    def _done(self, name: str, raw: IO[bytes], hashing: _Hashing) -> dict[str, Any]:
        raw.close()
        entry = {"sha256": hashing.sha256.hexdigest(), "size": hashing.size}
        self.members[name] = entry
        return entry

    def stream(self, name: str, source: IO[bytes]) -> dict[str, Any]:
        raw, hashing = self._open(name)
        try:
            while chunk := source.read(CHUNK):
                hashing.write(chunk)
        except BaseException:
            raw.close()
            raise
        return self._done(name, raw, hashing)

    def table(
        self, stem: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> tuple[int, dict[str, Any], dict[str, Any]]:
        """`<stem>.json` (an array of objects) and `<stem>.csv`, from one pass over the rows.

        A zip takes one member at a time: the CSV waits in a temporary file (spooled to disk
        past a megabyte) while the JSON is written, then follows it."""
        count = 0
        with tempfile.SpooledTemporaryFile(max_size=1 << 20) as spool:
            csv_text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
            writer = csv.writer(csv_text, lineterminator="\r\n")
            writer.writerow(columns)
            json_raw, json_out = self._open(f"{stem}.json")
            json_text = io.TextIOWrapper(
                json_out,  # type: ignore[type-var]
                encoding="utf-8",
                newline="\n",
            )
            try:
                json_text.write("[")
                for row in rows:
                    record = {c: plain(v) for c, v in zip(columns, row, strict=True)}
                    json_text.write(
                        ("\n" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False)
                    )
                    writer.writerow([csv_cell(v) for v in row])
                    count += 1
                json_text.write("\n]\n" if count else "]\n")
                json_text.flush()
                json_text.detach()
            except BaseException:
                json_raw.close()
                raise
            json_entry = self._done(f"{stem}.json", json_raw, json_out)
            csv_text.flush()
            csv_text.detach()
            spool.seek(0)
            csv_entry = self.stream(f"{stem}.csv", spool)
        return count, json_entry, csv_entry

    def text(self, name: str, text: str) -> dict[str, Any]:
        return self.stream(name, io.BytesIO(text.encode("utf-8")))

    def close(self, manifest: dict[str, Any]) -> None:
        manifest["members"] = dict(sorted(self.members.items()))
        data = json.dumps(manifest, ensure_ascii=False, indent=2, default=plain) + "\n"
        self._zip.writestr("manifest.json", data)
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()
