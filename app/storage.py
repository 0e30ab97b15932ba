"""Where uploaded files live: one interface, two places.

- a local folder (`UPLOAD_DIR`, the default): enough for one host;
- an S3-compatible bucket (`STORAGE_URL=s3://bucket/prefix`, with `STORAGE_S3_ENDPOINT` and keys): shared by
  several hosts. Objects are written without any public grant, so the bucket never serves a members-only file
  to anyone: every file is read through the app's access-checked routes.

Keys are ours ("documents/<random>.pdf"), never a user's file name. A missing object is `None` (the route
answers 404); an unreachable store raises `StorageUnavailable` (the route answers 503), within
`STORAGE_TIMEOUT` seconds.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import urlsplit

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

log = logging.getLogger(__name__)

MISSING_CODES = {"NoSuchKey", "404", "NotFound"}


class StorageUnavailable(Exception):
    """The file store did not answer (in time)."""


class Storage(Protocol):
    description: str

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> IO[bytes] | None: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[str]: ...

    def ping(self) -> None: ...


def _checked(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files in a folder on this host."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.description = f"local folder {self.root}"

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:  # noqa: ARG002  (a folder keeps no type)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)  # readers never see half a file

    def open(self, key: str) -> IO[bytes] | None:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith(".partial"):
                yield path.relative_to(self.root).as_posix()

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".healthz"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc


class S3Storage:
    """Objects in an S3-compatible bucket (AWS, SeaweedFS, MinIO, Garage, Ceph ...)."""

    def __init__(self, client, bucket: str, prefix: str, endpoint: str | None):
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.description = f"bucket {bucket} at {endpoint or 'AWS S3'}"

    def _name(self, key: str) -> str:
        return f"{self.prefix}{_checked(key)}"

    def _call(self, method: str, **params):
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **params)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in MISSING_CODES:
                return None
            raise StorageUnavailable(f"{method}: {exc}") from exc
        except BotoCoreError as exc:  # connection refused, timeouts, ...
            raise StorageUnavailable(f"{method}: {exc}") from exc

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._call("put_object", Key=self._name(key), Body=data, ContentType=content_type)

    def open(self, key: str) -> IO[bytes] | None:
        found = self._call("get_object", Key=self._name(key))
        return None if found is None else found["Body"]

    def exists(self, key: str) -> bool:
        return self._call("head_object", Key=self._name(key)) is not None

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._name(key))

    def keys(self) -> Iterator[str]:
        token: dict = {}
        while True:
            page = self._call("list_objects_v2", Prefix=self.prefix, **token) or {}
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix):]
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def ping(self) -> None:
        if self._call("head_bucket") is None:
            raise StorageUnavailable(f"bucket {self.bucket} does not exist")


def from_config(config) -> Storage:
    url = config.get("STORAGE_URL") or ""
    if not url:
        return LocalStorage(config["UPLOAD_DIR"])
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise RuntimeError(f"STORAGE_URL must look like s3://bucket/prefix, not {url!r}")
    seconds = config["STORAGE_TIMEOUT"]
    endpoint = config.get("STORAGE_S3_ENDPOINT") or None
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=config.get("STORAGE_S3_REGION") or "us-east-1",
        aws_access_key_id=config.get("STORAGE_S3_ACCESS_KEY") or None,
        aws_secret_access_key=config.get("STORAGE_S3_SECRET_KEY") or None,
        config=BotoConfig(connect_timeout=seconds, read_timeout=seconds, retries={"max_attempts": 2},
                          s3={"addressing_style": "path"}, signature_version="s3v4"),
    )
    prefix = parts.path.strip("/")
    return S3Storage(client, parts.netloc, f"{prefix}/" if prefix else "", endpoint)


def configure(app: Flask) -> None:
    app.extensions["storage"] = from_config(app.config)


def current() -> Storage:
    return current_app.extensions["storage"]


def delete_quietly(key: str) -> None:
    """Remove a file whose row is gone: a store that is down leaves an orphan (logged), never an error."""
    try:
        current().delete(key)
    except StorageUnavailable:
        log.warning("could not delete %s from the file store", key)


def copy_all(source: Storage, target: Storage, *, overwrite: bool = False) -> tuple[int, int]:
    """Copy every object from source to target; (copied, skipped because already there)."""
    copied = skipped = 0
    for key in source.keys():
        if not overwrite and target.exists(key):
            skipped += 1
            continue
        stream = source.open(key)
        if stream is None:  # deleted meanwhile
            continue
        with stream:
            target.put(key, stream.read(), "application/octet-stream")
        copied += 1
    return copied, skipped


def remove_tree(storage: Storage) -> int:
    """Delete every object (restore into a clean store); the number deleted."""
    keys = list(storage.keys())
    for key in keys:
        storage.delete(key)
    if isinstance(storage, LocalStorage) and storage.root.is_dir():
        for child in storage.root.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
    return len(keys)
