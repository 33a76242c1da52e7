#!/usr/bin/env bash
# The demo on a fresh machine: installs what is missing, serves the Weinan replica (51
# government websites and 470 WeChat, Weibo and Douyin accounts, replica/weinan) on 127.0.0.1,
# imports its register, crawls round 2024-1 as of the notice's monitoring time points on the
# embedded store (./var), stores the bundled previous round 2023-4, and writes the results to
# ./reports (or the folder given as the first argument). Nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
exec .venv/bin/govcheck demo --out "${1:-reports}"
