"""Benchmark of document uploads and downloads: through the API against the same S3 directly.

    .venv/bin/python -m bench.documents                          # 200 MiB, 6 rounds, ~1.5 min
    .venv/bin/python -m bench.documents --size-mb 20 --repeat 1  # quick look, ~25 s

One random file (a PDF header, random bytes, a PDF trailer) goes up and comes back through
`POST /api/v1/projects/{id}/documents` (a multipart body streamed from the file) and
`GET /api/v1/documents/{id}/content` of the real app (uvicorn, one worker, its own process, a
throwaway PostgreSQL database, a user made with `coresearch create-user`, a project made through
the API), and through the `minio` SDK straight to the same bucket (`put_object` from the file with
the service's part size and the SDK's default of 3 parallel part uploads, `get_object` streamed).
Every way is checked byte for byte once; then each round times the large file up and down both
ways, the side that goes first alternating, with the disks synced before each transfer. The ratios
are of median throughputs. For context, the API's `?redirect=true` download (307 to a presigned
URL) is timed too.

The server's peak memory is its VmHWM, reset before each API transfer through
/proc/PID/clear_refs: a small and the large upload are compared on the fresh server ("first
uploads") and over the rounds. Where the reset is refused, the peak since the server started is
used, small upload first.

S3 is a SeaweedFS `weed mini` the benchmark starts on loopback (as the tests do), unless
COSEARCH_BENCH_S3_ENDPOINT (host:port or URL) with COSEARCH_BENCH_S3_ACCESS_KEY and
COSEARCH_BENCH_S3_SECRET_KEY (optionally _REGION, _SECURE) names another; a throwaway bucket is
used and removed either way. It exits 0 whether or not the aims are met.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import urllib3
from minio import Minio
from tests.seaweed import remove_bucket, start_seaweedfs

from bench.databases import ADMIN_URL, throwaway_database
from bench.serving import Server, serve, service_environment
from coresearch.lib.storage import PARALLEL_PARTS, PART_SIZE
from coresearch.settings import S3Settings

AIM_THROUGHPUT = 0.9  # API throughput over direct throughput, at least (upload and download)
AIM_MEMORY_MB = 64  # peak memory during the large upload minus during the small one, less than
MIB = 1024 * 1024
IO_CHUNK = MIB  # what the client reads from the file and from the socket at a time
PDF_HEAD = b"%PDF-1.7\n"
PDF_TAIL = b"\n%%EOF\n"
BOUNDARY = "coresearch-bench-0123456789abcdef"
PASSWORD = "Fjellvann-Blåbær-2026"  # noqa: S105 (a throwaway user in a throwaway database)
API = "/api/v1"
SIDES = ("api", "direct")
SETTLE_SECONDS = 0.5
ROWS = {
    "upload/api": "upload {big}, API",
    "upload/direct": "upload {big}, minio direct",
    "download/api": "download {big}, API",
    "download/direct": "download {big}, minio direct",
    "download/redirect": "download {big}, API ?redirect=true",
    "small_upload": "upload {small}, API",
    "cold/small_upload": "first upload {small}, API",
    "cold/upload": "first upload {big}, API",
}


# --------------------------------------------------------------------------------------- S3


@dataclass
class S3Target:
    """The S3 service under test: its settings (with a throwaway bucket) and, when the benchmark
    started it, its process (for CPU accounting)."""

    settings: S3Settings
    description: str
    process: psutil.Process | None = None


def _s3_from_environment() -> S3Settings | None:
    endpoint = os.environ.get("COSEARCH_BENCH_S3_ENDPOINT", "").strip()
    if not endpoint:
        return None
    secure = endpoint.startswith("https://")
    flag = os.environ.get("COSEARCH_BENCH_S3_SECURE", "").strip().lower()
    if flag:
        secure = flag in {"1", "true", "yes", "on"}
    missing = [
        n for n in ("COSEARCH_BENCH_S3_ACCESS_KEY", "COSEARCH_BENCH_S3_SECRET_KEY") if not os.environ.get(n)
    ]
    if missing:
        raise SystemExit(f"{missing[0]} is required with COSEARCH_BENCH_S3_ENDPOINT")
    return S3Settings(
        endpoint=endpoint.removeprefix("https://").removeprefix("http://").rstrip("/"),
        access_key=os.environ["COSEARCH_BENCH_S3_ACCESS_KEY"],
        secret_key=os.environ["COSEARCH_BENCH_S3_SECRET_KEY"],
        bucket=_bucket_name(),
        region=os.environ.get("COSEARCH_BENCH_S3_REGION") or "us-east-1",
        secure=secure,
    )


def _bucket_name() -> str:
    return f"coresearch-bench-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def s3_target(workdir: Path) -> Iterator[S3Target]:
    """The S3 endpoint from the environment, or a `weed mini` started for the block; the bucket
    is removed (and the server stopped) however the block ends."""
    settings = _s3_from_environment()
    if settings is not None:
        target = S3Target(settings, f"{settings.endpoint} (COSEARCH_BENCH_S3_ENDPOINT)")
        try:
            yield target
        finally:
            with contextlib.suppress(Exception):
                remove_bucket(target.settings)
        return
    server = start_seaweedfs(workdir)
    try:
        settings = server.settings(_bucket_name())
        version = subprocess.run(  # noqa: S603
            [str(Path(server.process.args[0])), "version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        target = S3Target(
            settings,
            f"SeaweedFS `weed mini` on {settings.endpoint}, started by the benchmark "
            f"in {server.startup_seconds:.1f} s ({version.splitlines()[0] if version else 'version ?'})",
            psutil.Process(server.process.pid),
        )
        try:
            yield target
        finally:
            with contextlib.suppress(Exception):
                remove_bucket(settings)
    finally:
        server.stop()


def minio_client(settings: S3Settings) -> Minio:
    """A minio client for the direct side, with a connection pool like the service's."""
    return Minio(
        settings.endpoint,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=settings.secure,
        region=settings.region,
        http_client=urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=3, read=60), maxsize=16, retries=urllib3.Retry(total=0)
        ),
    )


# ------------------------------------------------------------------------------- the files


@dataclass(frozen=True)
class TestFile:
    """A random file on disk that the service sniffs as PDF."""

    path: Path
    size: int
    sha256: str


def make_file(folder: Path, size: int) -> TestFile:
    """Write `size` bytes: a PDF header, random bytes, a PDF trailer."""
    path = folder / f"random-{size}.pdf"
    digest = hashlib.sha256()
    remaining = size - len(PDF_HEAD) - len(PDF_TAIL)
    with path.open("wb") as out:
        for piece in _pieces(remaining):
            out.write(piece)
            digest.update(piece)
    return TestFile(path, size, digest.hexdigest())


def _pieces(random_bytes: int) -> Iterator[bytes]:
    yield PDF_HEAD
    while random_bytes > 0:
        piece = os.urandom(min(random_bytes, 16 * MIB))
        random_bytes -= len(piece)
        yield piece
    yield PDF_TAIL


def multipart_body(file: TestFile, fields: dict[str, str]) -> tuple[int, Iterator[bytes]]:
    """The form as a generator with a fixed boundary (read from disk as it is sent), and its length."""
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{file.path.name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        with file.path.open("rb") as source:
            while chunk := source.read(IO_CHUNK):
                yield chunk
        yield tail

    return len(head) + file.size + len(tail), chunks()


# ------------------------------------------------------------------------- the transfers


@dataclass
class Sides:
    """Both ways to the same bucket: the API (as one project lead) and the minio SDK."""

    http: httpx.Client
    project_id: str
    minio: Minio
    bucket: str
    direct_parallel: int
    download_client: str = "urllib3"
    _pool: urllib3.PoolManager = field(init=False)

    def __post_init__(self) -> None:
        self._pool = urllib3.PoolManager(timeout=urllib3.Timeout(connect=3, read=60), retries=False)

    def _auth(self) -> dict[str, str]:
        return {"Authorization": self.http.headers["authorization"]}

    def api_upload(self, file: TestFile) -> str:
        length, body = multipart_body(file, {"title": "Benchmark", "kind": "report", "visibility": "team"})
        response = self.http.post(
            f"{API}/projects/{self.project_id}/documents",
            content=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(length),
            },
        )
        if response.status_code != 201:
            raise RuntimeError(f"upload answered {response.status_code}: {response.text[:500]}")
        document = response.json()
        if document["size"] != file.size or document["sha256"] != file.sha256:
            raise RuntimeError(f"the service stored something else: {document}")
        return document["id"]

    def api_download(self, document_id: str, check: TestFile) -> None:
        path = f"{API}/documents/{document_id}/content"
        if self.download_client == "httpx":
            with self.http.stream("GET", path) as response:
                if response.status_code != 200:
                    raise RuntimeError(f"download answered {response.status_code}: {response.read()[:500]!r}")
                _drain(response.iter_raw(), check)
            return
        # The same HTTP stack and read size as the minio SDK on the direct side.
        response = self._pool.request(
            "GET", str(self.http.base_url.join(path)), headers=self._auth(), preload_content=False
        )
        try:
            if response.status != 200:
                raise RuntimeError(f"download answered {response.status}: {response.read()[:500]!r}")
            _drain(response.stream(IO_CHUNK), check)
        finally:
            response.release_conn()

    def redirect_download(self, document_id: str, check: TestFile) -> None:
        """`?redirect=true`: the API answers 307 to a presigned URL, which is then followed."""
        url = str(self.http.base_url.join(f"{API}/documents/{document_id}/content?redirect=true"))
        answer = self._pool.request("GET", url, headers=self._auth(), redirect=False)
        if answer.status != 307:
            raise RuntimeError(f"?redirect=true answered {answer.status}: {answer.data[:500]!r}")
        response = self._pool.request("GET", answer.headers["location"], preload_content=False)
        try:
            if response.status != 200:
                raise RuntimeError(f"the presigned URL answered {response.status}: {response.read()[:500]!r}")
            _drain(response.stream(IO_CHUNK), check)
        finally:
            response.release_conn()

    def api_delete(self, document_id: str) -> None:
        self.http.delete(f"{API}/documents/{document_id}").raise_for_status()

    def direct_upload(self, file: TestFile) -> str:
        key = f"bench-direct/{uuid.uuid4().hex}.pdf"
        with file.path.open("rb") as source:
            self.minio.put_object(
                self.bucket,
                key,
                source,
                file.size,
                content_type="application/pdf",
                part_size=PART_SIZE,
                num_parallel_uploads=self.direct_parallel,
            )
        return key

    def direct_download(self, key: str, check: TestFile) -> None:
        response = self.minio.get_object(self.bucket, key)
        try:
            _drain(response.stream(IO_CHUNK), check)
        finally:
            response.close()
            response.release_conn()

    def direct_delete(self, key: str) -> None:
        self.minio.remove_object(self.bucket, key)


def api_client(base_url: str, token: str) -> httpx.Client:
    """A client for the app, signed in as the project lead."""
    return httpx.Client(base_url=base_url, timeout=600, headers={"Authorization": f"Bearer {token}"})


def _drain(chunks: Iterator[bytes], file: TestFile) -> None:
    """Consume a download: count its bytes and, when `file` has a digest, compare the content."""
    digest = hashlib.sha256() if file.sha256 else None
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if digest is not None:
            digest.update(chunk)
    if size != file.size:
        raise RuntimeError(f"downloaded {size} bytes instead of {file.size}")
    if digest is not None and digest.hexdigest() != file.sha256:
        raise RuntimeError("the downloaded bytes differ from the file")


# ------------------------------------------------------------------------------ measuring


def _cpu_seconds(process: psutil.Process | None, *, children: bool = True) -> float:
    """User + system CPU seconds of `process` (all its threads) and, if asked, its children."""
    if process is None:
        return 0.0
    total = 0.0
    with contextlib.suppress(psutil.Error):
        for each in [process, *(process.children(recursive=True) if children else [])]:
            with contextlib.suppress(psutil.Error):
                times = each.cpu_times()
                total += times.user + times.system
    return total


def _status_kib(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {name} in /proc/{pid}/status")


def reset_peak(pid: int) -> bool:
    """Set the process's VmHWM back to its current RSS; False if the kernel does not let us."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return _status_kib(pid, "VmHWM") <= _status_kib(pid, "VmRSS") + 1024


@dataclass
class Meters:
    """The processes whose CPU is shown per transfer, and the server whose peak memory is."""

    server: psutil.Process
    s3: psutil.Process | None
    client: psutil.Process = field(default_factory=psutil.Process)
    reset_memory: bool = True

    def sample(self) -> dict[str, float]:
        return {
            "server": _cpu_seconds(self.server),
            "s3": _cpu_seconds(self.s3),
            "client": _cpu_seconds(self.client, children=False),  # the server and weed are its children
        }


@dataclass
class Transfer:
    """One timed transfer: seconds, MiB/s, CPU seconds per process, and server memory (MiB)."""

    seconds: float
    mib_per_s: float
    cpu: dict[str, float]
    rss_before_mib: float | None = None
    peak_mib: float | None = None


def timed(
    meters: Meters, size: int, work: Callable[[], Any], *, memory: bool, reset: bool = True
) -> tuple[Transfer, Any]:
    """Run one blocking transfer of `size` bytes and measure it (with the server's peak memory
    over it when `memory`, reset first when `reset`: otherwise the peak since the server started)."""
    pid = meters.server.pid
    rss_before = None
    if memory:
        if reset:
            reset_peak(pid)
        rss_before = _status_kib(pid, "VmRSS") / 1024
    cpu_before, started = meters.sample(), time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    cpu_after = meters.sample()
    peak = _status_kib(pid, "VmHWM") / 1024 if memory else None
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
    return Transfer(seconds, size / MIB / seconds, cpu, rss_before, peak), result


# ------------------------------------------------------------------------------ the run


def _create_user(env: dict[str, str], email: str, workdir: Path) -> None:
    """`coresearch create-user`, the operator's way, against the benchmark's database."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("COSEARCH_")} | env
    subprocess.run(  # noqa: S603
        [
            sys.executable, "-c", "from coresearch.cli import main; main()", "create-user",
            "--email", email, "--role", "researcher", "--full-name", "Benk Marking", "--password", PASSWORD,
        ],
        env=child_env, cwd=workdir, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def sign_in_and_create_project(base_url: str, email: str) -> tuple[str, str]:
    """Sign in through the API and register a project; return (bearer token, project id)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        response = client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        token = response.json()["access_token"]
        response = client.post(
            f"{API}/projects",
            json={
                "title": "Ytelsestest av dokumenter",
                "summary": "Opplasting og nedlasting av store filer.",
                "funder": "Forskningsrådet",
                "grant_reference": "BENCH-1",
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        response.raise_for_status()
        return token, response.json()["id"]


def settle() -> None:
    """Let the machine catch up before a timed transfer: write the S3 server's dirty pages out now
    (rather than during whichever transfer comes next) and pause briefly."""
    os.sync()
    time.sleep(SETTLE_SECONDS)


def run_rounds(
    sides: Sides, meters: Meters, files: dict[str, TestFile], repeat: int, log: Callable[[str], None]
) -> dict[str, list[Transfer]]:
    """On the fresh server: warm the code paths with a tiny file, then one small and one large
    upload with their peaks ("cold"), every way up and down checked byte for byte. Then `repeat`
    rounds of: a small API upload (for memory), the large file up through both sides, and down
    through both sides and the API's redirect, the side that goes first alternating."""
    big, small, tiny = files["big"], files["small"], files["tiny"]
    results: dict[str, list[Transfer]] = {name: [] for name in ROWS}
    reset = meters.reset_memory

    log("  cold: a tiny file to warm the code paths, then one small and one large upload on the fresh server")
    sides.api_delete(sides.api_upload(tiny))
    for name, file in (("cold/small_upload", small), ("cold/upload", big)):
        transfer, doc = timed(meters, file.size, lambda f=file: sides.api_upload(f), memory=True, reset=reset)
        results[name].append(transfer)
        sides.api_download(doc, file)
        sides.redirect_download(doc, file)
        sides.api_delete(doc)
    key = sides.direct_upload(big)
    sides.direct_download(key, big)
    sides.direct_delete(key)
    log("  every way up and down checked byte for byte (sha256)")

    quick = TestFile(big.path, big.size, "")  # timed downloads count bytes only
    for number in range(1, repeat + 1):
        transfer, doc = timed(meters, small.size, lambda: sides.api_upload(small), memory=reset)
        results["small_upload"].append(transfer)
        sides.api_delete(doc)
        forward = number % 2 == 1
        stored: dict[str, str] = {}
        for side in SIDES if forward else reversed(SIDES):
            upload = sides.api_upload if side == "api" else sides.direct_upload
            settle()
            transfer, stored[side] = timed(
                meters, big.size, lambda f=upload: f(big), memory=reset and side == "api"
            )
            results[f"upload/{side}"].append(transfer)
        downloads = [
            ("download/api", sides.api_download, stored["api"]),
            ("download/direct", sides.direct_download, stored["direct"]),
        ]
        # The two measured sides alternate which goes first; the redirect (context) always comes last.
        downloads = [*(downloads if forward else reversed(downloads))]
        downloads.append(("download/redirect", sides.redirect_download, stored["api"]))
        for name, download, key in downloads:
            settle()
            transfer, _ = timed(
                meters,
                big.size,
                lambda f=download, k=key: f(k, quick),
                memory=reset and name == "download/api",
            )
            results[name].append(transfer)
        sides.api_delete(stored["api"])
        sides.direct_delete(stored["direct"])
        line = "  ".join(f"{name} {results[name][-1].mib_per_s:.0f}" for name in list(ROWS)[:5])
        log(f"  round {number}/{repeat} ({'API' if forward else 'direct'} first), MiB/s: {line}")
    return results


def _log(message: str) -> None:
    print(message, flush=True)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set everything up, measure, and clean up."""
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    sizes = {"big": args.size_mb * MIB, "small": args.small_mb * MIB, "tiny": 256 * 1024}
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "size_bytes": sizes["big"],
        "small_bytes": sizes["small"],
        "repeat": args.repeat,
        "direct_parallel": args.direct_parallel,
        "api_download_client": args.api_download_client,
        "machine": _machine(),
    }
    async with AsyncExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="coresearch-bench-docs-")))
        started = time.perf_counter()
        files = {name: await asyncio.to_thread(make_file, workdir, size) for name, size in sizes.items()}
        _log(f"files: {args.size_mb} MiB and {args.small_mb} MiB of random bytes in a PDF header, "
             f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip
        target = await asyncio.to_thread(stack.enter_context, s3_target(workdir / "s3"))
        _log(f"S3: {target.description}, bucket {target.settings.bucket}")
        results["s3"] = target.description
        results["s3_cpu"] = target.process is not None
        url = await stack.enter_async_context(throwaway_database("documents", args.admin_url))
        env = service_environment(url, workdir / "data") | {
            "COSEARCH_S3_ENDPOINT": target.settings.endpoint,
            "COSEARCH_S3_ACCESS_KEY": target.settings.access_key,
            "COSEARCH_S3_SECRET_KEY": target.settings.secret_key,
            "COSEARCH_S3_BUCKET": target.settings.bucket,
            "COSEARCH_S3_REGION": target.settings.region,
            "COSEARCH_S3_SECURE": "true" if target.settings.secure else "false",
            "COSEARCH_MAX_UPLOAD_BYTES": str(max(sizes.values()) + MIB),
        }
        email = f"benk-{secrets.token_hex(4)}@example.no"
        await asyncio.to_thread(_create_user, env, email, workdir)
        server: Server = await stack.enter_async_context(serve(env))
        token, project_id = await asyncio.to_thread(sign_in_and_create_project, server.base_url, email)
        _log(f"database {url.rsplit('/', 1)[1]}; app on port {server.port} (pid {server.process.pid})")
        http = stack.enter_context(api_client(server.base_url, token))
        direct = minio_client(target.settings)
        sides = Sides(http, project_id, direct, target.settings.bucket, args.direct_parallel)
        sides.download_client = args.api_download_client
        meters = Meters(server.process, target.process, reset_memory=reset_peak(server.process.pid))
        results["memory_reset"] = meters.reset_memory
        results["memory_method"] = (
            "VmHWM reset through /proc/PID/clear_refs before each transfer"
            if meters.reset_memory
            else "clear_refs refused: VmHWM since the start of a fresh server, small upload before large"
        )
        _log(f"server peak memory: {results['memory_method']}")
        rounds = await asyncio.to_thread(run_rounds, sides, meters, files, args.repeat, _log)
        results["rounds"] = {name: [vars(t) for t in transfers] for name, transfers in rounds.items()}
        results["summary"] = summarise(rounds)
        _log("cleaning up (server, bucket, S3 server, throwaway database)")
    return results


def _machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} CPUs, {memory:.0f} GiB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


def _peak(transfers: list[Transfer]) -> float | None:
    return max((t.peak_mib for t in transfers if t.peak_mib is not None), default=None)


def summarise(rounds: dict[str, list[Transfer]]) -> dict[str, Any]:
    """Medians per path, the two throughput ratios and the memory growth, cold and warm."""
    summary: dict[str, Any] = {}
    for name, transfers in rounds.items():
        if not transfers:
            continue
        summary[name] = {
            "median_mib_per_s": statistics.median(t.mib_per_s for t in transfers),
            "min_mib_per_s": min(t.mib_per_s for t in transfers),
            "max_mib_per_s": max(t.mib_per_s for t in transfers),
            "median_seconds": statistics.median(t.seconds for t in transfers),
            "cpu": {
                part: statistics.median(t.cpu[part] for t in transfers) for part in ("server", "s3", "client")
            },
            "peak_mib": _peak(transfers),
        }
    for way in ("upload", "download"):
        summary[f"{way}_ratio"] = (
            summary[f"{way}/api"]["median_mib_per_s"] / summary[f"{way}/direct"]["median_mib_per_s"]
        )
    summary["redirect_ratio"] = (
        summary["download/redirect"]["median_mib_per_s"] / summary["download/direct"]["median_mib_per_s"]
    )
    growth = {}
    phases = (("cold", "cold/small_upload", "cold/upload"), ("warm", "small_upload", "upload/api"))
    for phase, small, big in phases:
        small_peak, big_peak = _peak(rounds[small]), _peak(rounds[big])
        if small_peak is not None and big_peak is not None:
            idle = rounds[small][0].rss_before_mib
            growth[phase] = {"small_peak_mib": small_peak, "big_peak_mib": big_peak, "idle_rss_mib": idle}
            growth[phase]["growth_mb"] = (big_peak - small_peak) * MIB / 1e6
    summary["memory"] = growth
    summary["memory_growth_mb"] = max(g["growth_mb"] for g in growth.values())
    return summary


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def print_summary(results: dict[str, Any]) -> None:
    """The table of transfers, then the aims."""
    s = results["summary"]
    big, small = f"{results['size_bytes'] / MIB:.0f} MiB", f"{results['small_bytes'] / MIB:.0f} MiB"
    print("\n" + "=" * 104)
    print(
        f"Documents: {big} file, {results['repeat']} round(s), medians; direct uploads with "
        f"num_parallel_uploads={results['direct_parallel']}, API with {PARALLEL_PARTS} parts in flight; "
        f"API downloads with {results['api_download_client']}"
    )
    print(f"S3: {results['s3']}")
    print(f"machine: {results['machine']}")
    print("-" * 104)
    print(
        f"{'transfer':<38}{'median MiB/s':>13}{'min':>7}{'max':>7}{'time':>8}"
        f"{'CPU s: server':>15}{'S3':>6}{'client':>8}{'server peak':>13}"
    )
    for name, label in ROWS.items():
        if name not in s:
            continue
        r = s[name]
        peak = "-" if r["peak_mib"] is None else f"{r['peak_mib']:.0f} MiB"
        s3 = f"{r['cpu']['s3']:.2f}" if results["s3_cpu"] else "-"
        print(
            f"{label.format(big=big, small=small):<38}{r['median_mib_per_s']:>13.1f}"
            f"{r['min_mib_per_s']:>7.1f}{r['max_mib_per_s']:>7.1f}{r['median_seconds']:>7.2f}s"
            f"{r['cpu']['server']:>15.2f}{s3:>6}{r['cpu']['client']:>8.2f}{peak:>13}"
        )
    print("-" * 104)
    print(f"{'aim':<62}{'value':>12}   {'target':<10}verdict")
    for way in ("upload", "download"):
        ratio = s[f"{way}_ratio"]
        print(
            f"{f'API / direct throughput, {way}':<62}{ratio:>12.3f}   {f'>= {AIM_THROUGHPUT}':<10}"
            f"{_verdict(ratio >= AIM_THROUGHPUT)}"
        )
    growth = s["memory_growth_mb"]
    label = f"server peak memory, {big} upload - {small} upload"
    print(f"{label:<62}{growth:>9.1f} MB   {f'< {AIM_MEMORY_MB} MB':<10}{_verdict(growth < AIM_MEMORY_MB)}")
    print(f"{'context: API ?redirect=true / direct, download':<62}{s['redirect_ratio']:>12.3f}")
    for phase, g in s["memory"].items():
        what = "first uploads on the fresh server" if phase == "cold" else "highest over the rounds"
        print(
            f"  memory, {what}: peak {g['small_peak_mib']:.0f} MiB ({small}), "
            f"{g['big_peak_mib']:.0f} MiB ({big}): {g['growth_mb']:+.1f} MB"
        )
    print(f"  ({results['memory_method']})")
    cold = s["memory"].get("cold")
    if cold and not results["memory_reset"] and cold["idle_rss_mib"] is not None:
        print(
            f"  (without a reset, growth below the start-up peak minus the idle RSS, "
            f"{cold['small_peak_mib'] - cold['idle_rss_mib']:.0f} MiB, cannot be seen)"
        )
    print("=" * 104)


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=200, help="size of the large file, MiB (default 200)")
    parser.add_argument("--small-mb", type=int, default=10, help="size of the small file for memory, MiB")
    parser.add_argument(
        "--repeat",
        type=int,
        default=6,
        help="timed rounds (each: both sides up and down), default 6; an even number lets each side go "
        "first equally often",
    )
    parser.add_argument(
        "--direct-parallel",
        type=int,
        default=3,
        help="minio put_object num_parallel_uploads on the direct side (default 3, the SDK's own "
        f"default; the service sends up to {PARALLEL_PARTS} parts at once while it receives the next)",
    )
    parser.add_argument(
        "--api-download-client",
        choices=("urllib3", "httpx"),
        default="urllib3",
        help="client for API downloads (default urllib3, the HTTP stack and 1 MiB reads the minio SDK "
        "uses on the direct side, so only the server differs; httpx reads 64 KiB at a time)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="PostgreSQL server for the throwaway database")
    args = parser.parse_args()
    if args.size_mb < 1 or args.small_mb < 1 or args.repeat < 1 or args.direct_parallel < 1:
        parser.error("sizes, --repeat and --direct-parallel must be at least 1")
    try:
        results = asyncio.run(run(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; the server and S3 were stopped, the database dropped", file=sys.stderr)
        sys.exit(130)
    print_summary(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nresults written to {args.json}")


if __name__ == "__main__":
    main()
