#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing (virtualenv, Debian's
# chromium, redis-server, LibreOffice), runs ruff and mypy (configured in pyproject.toml; the
# first complaint stops here, before any server starts), builds and starts FerretDB and starts
# Redis on loopback for the MongoDB and shared-round tests, runs pytest, and stops both again.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

echo "test: ruff" >&2
.venv/bin/ruff check govcheck govcheck_demo tests bench
echo "test: mypy" >&2
.venv/bin/mypy

work=$(mktemp -d)
cleanup() { scripts/ferretdb.sh stop "$work/ferretdb" || true; scripts/redis.sh stop "$work/redis" || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
scripts/ferretdb.sh start "$work/ferretdb" "$port"
echo "test: FerretDB listening on 127.0.0.1:$port" >&2
redis_port=$(free_port)
scripts/redis.sh start "$work/redis" "$redis_port"
echo "test: Redis listening on 127.0.0.1:$redis_port" >&2

export GOVCHECK_TEST_MONGO_URI="mongodb://127.0.0.1:$port/"
export GOVCHECK_REQUIRE_TEST_MONGO=1   # MongoDB tests fail instead of skipping when it is missing
export GOVCHECK_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
export GOVCHECK_REQUIRE_TEST_REDIS=1
.venv/bin/python -m pytest "$@"
