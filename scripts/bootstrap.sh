# Sourced by scripts/serve and scripts/test: installs the pinned uv into .tools/ and the locked
# dependencies into .venv/, on a fresh machine with nothing but Python 3.11.
set -euo pipefail
if ! declare -p SYNC_ARGS >/dev/null 2>&1; then SYNC_ARGS=(); fi

UV_VERSION="0.13.9"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${COSEARCH_PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))'; then
      PYTHON="$candidate"
      break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "coresearch needs Python 3.11, 3.12 or 3.13 on PATH (or COSEARCH_PYTHON=/path/to/python)" >&2
  exit 1
fi

UV="$ROOT/.tools/bin/uv"
if ! [ -x "$UV" ] || [ "$("$UV" --version | awk '{print $2}')" != "$UV_VERSION" ]; then
  echo "Installing uv $UV_VERSION into .tools/ ..." >&2
  rm -rf "$ROOT/.tools"
  "$PYTHON" -m venv "$ROOT/.tools"
  "$ROOT/.tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi

export UV_PYTHON="$PYTHON"
export UV_PROJECT_ENVIRONMENT="$ROOT/.venv"
# Extra `uv sync` options come from SYNC_ARGS (an array), never from the caller's arguments.
"$UV" sync --frozen --quiet "${SYNC_ARGS[@]}"
