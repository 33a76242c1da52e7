#!/usr/bin/env bash
# The demo round on a fresh machine: installs what is missing, serves the bundled replica
# websites on 127.0.0.1, imports their targets, runs a round on the embedded store (./var)
# and writes the results to ./reports (or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
exec .venv/bin/govcheck demo --out "${1:-reports}"
