#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing (virtualenv, Debian's
# chromium), builds and starts FerretDB on loopback for the MongoDB tests, runs pytest, and
# stops FerretDB again. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

work=$(mktemp -d)
cleanup() { scripts/ferretdb.sh stop "$work/ferretdb" || true; rm -rf "$work"; }
trap cleanup EXIT

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/ferretdb.sh start "$work/ferretdb" "$port"
echo "test: FerretDB listening on 127.0.0.1:$port" >&2

export GOVCHECK_TEST_MONGO_URI="mongodb://127.0.0.1:$port/"
export GOVCHECK_REQUIRE_TEST_MONGO=1   # MongoDB tests fail instead of skipping when it is missing
.venv/bin/python -m pytest "$@"
