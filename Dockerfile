# The coresearch service image: the locked dependencies and the project in /app/.venv, the
# migrations beside the source (piccolo_app.py finds them at /app/migrations).
# Build: docker build -t coresearch .   Run: see compose.yaml and docs/operations.md.

FROM python:3.11-slim-bookworm AS builder

# Never download a Python: build the venv on the base image's interpreter, which the final stage
# has at the same path. No cache kept in the layer; files copied, not hard-linked; bytecode built.
ENV UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_NO_CACHE=1

RUN pip install --no-cache-dir --disable-pip-version-check uv==0.13.9

# Same WORKDIR in both stages: the venv's scripts and the editable install hold absolute paths.
WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

# Then the project itself (installed editable, pointing at /app/src) and its migrations.
COPY src/ src/
COPY migrations/ migrations/
RUN uv sync --frozen --no-dev


FROM python:3.11-slim-bookworm

RUN groupadd --system --gid 10001 coresearch \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin coresearch \
 && mkdir /data \
 && chown 10001:10001 /data

WORKDIR /app
# Owned by root: the service user can read the code but not change it.
COPY --from=builder /app /app

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    COSEARCH_DATA_DIR=/data

# The embedded default (no COSEARCH_DATABASE_URL) keeps its SQLite file, documents and generated
# secrets here; with PostgreSQL and S3 nothing is written to it.
VOLUME /data

USER 10001:10001
EXPOSE 8000

# slim has no curl; the venv's Python does the probe (any error or non-2xx status exits 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"]

# One worker process per CPU the container may use (`nproc`: the host's CPUs, or its --cpuset-cpus;
# a --cpus quota is not seen), at most 64, unless COSEARCH_WORKERS names a number. `exec` makes
# the server PID 1, so `docker stop` reaches it. See docs/operations.md, "Worker processes".
CMD ["sh", "-c", "cpus=$(nproc); exec coresearch serve --host 0.0.0.0 --port 8000 --workers \"${COSEARCH_WORKERS:-$((cpus < 64 ? cpus : 64))}\""]
