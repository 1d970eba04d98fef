"""A lean HTTP/1.1 keep-alive load generator, run as its own process so it never shares the
benchmark's event loop (or its interpreter lock) with the work it measures.

It reads one JSON command per line on standard input and answers one JSON line per command:

    {"port": 8000, "targets": [["/bench/hello", null], ["/api/...", "Bearer ..."]],
     "expect": "status" | "page", "items": 50, "concurrency": 16,
     "seconds": 5, "warmup": 1}     # a timed round after `warmup` seconds, or
     "requests": 400, "warmup": 20  # a fixed number of requests after `warmup` requests

Each connection walks the targets round-robin from its own offset. Every answer is checked: the
status must be 200 and, for "page", the body must be a page with exactly `items` items.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httptools
import msgspec

HOST = "127.0.0.1"


class _PageShape(msgspec.Struct):
    items: list[msgspec.Raw]
    next_cursor: str | None = None


_decode_page = msgspec.json.Decoder(_PageShape).decode


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request in flight at a time."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection lost: {exc}"))

    def on_message_begin(self) -> None:
        self.body = []

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), b"".join(self.body)))

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await self.waiter


def _raw_requests(port: int, targets: list[list[Any]]) -> list[bytes]:
    requests = []
    for path, authorization in targets:
        head = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: application/json\r\n"
        if authorization:
            head += f"Authorization: {authorization}\r\n"
        requests.append((head + "\r\n").encode("latin-1"))
    return requests


def _check(expect: str, items: int, status: int, body: bytes) -> str | None:
    if status != 200:
        return f"status {status}: {body[:200]!r}"
    if expect == "page":
        try:
            count = len(_decode_page(body).items)
        except msgspec.DecodeError as exc:
            return f"not a page: {exc}"
        if count != items:
            return f"{count} items instead of {items}"
    return None


async def run(command: dict[str, Any]) -> dict[str, Any]:
    """Run one round and return counts, rate and latency percentiles (milliseconds)."""
    loop = asyncio.get_running_loop()
    requests = _raw_requests(command["port"], command["targets"])
    concurrency = int(command.get("concurrency", 16))
    expect, items = command.get("expect", "status"), int(command.get("items", 50))
    fixed = command.get("requests")
    warmup = float(command.get("warmup", 1.0))
    seconds = float(command.get("seconds", 0.0))
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    started = time.perf_counter()
    window = (started + warmup, started + warmup + seconds)

    def next_number() -> int | None:
        """The request's number (fixed mode), 0 in timed mode, None when the round is over."""
        nonlocal issued
        if fixed is None:
            return 0 if time.perf_counter() < window[1] else None
        if issued >= fixed + int(warmup):
            return None
        issued += 1
        return issued

    async def worker(offset: int) -> None:
        _, connection = await loop.create_connection(_Connection, HOST, command["port"])
        index = offset
        try:
            while (number := next_number()) is not None:
                raw = requests[index % len(requests)]
                index += 1
                sent = time.perf_counter()
                status, body = await connection.request(raw)
                done = time.perf_counter()
                problem = _check(expect, items, status, body)
                if problem is not None:
                    errors.append(problem)
                counted = number > int(warmup) if fixed is not None else window[0] <= done < window[1]
                if counted:
                    latencies.append(done - sent)
        finally:
            if connection.transport is not None:
                connection.transport.close()

    await asyncio.gather(*(worker(offset * 7919) for offset in range(concurrency)))
    latencies.sort()

    def percentile(share: float) -> float | None:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else None

    return {
        "requests": len(latencies),
        "rate": len(latencies) / seconds if fixed is None and seconds else None,
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
    }


async def main() -> None:
    """Serve commands from standard input until it closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        try:
            result = await run(json.loads(line))
        except Exception as exc:  # report, do not die: the parent decides
            result = {"failed": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())
