#!/usr/bin/env bash
# Builds, starts and stops FerretDB, the MongoDB-wire-protocol server the test suite stores into.
#   scripts/ferretdb.sh build          -> prints the binary's path (built once, then cached)
#   scripts/ferretdb.sh start DIR PORT -> starts it on 127.0.0.1:PORT with its SQLite backend in DIR
#   scripts/ferretdb.sh stop DIR       -> stops the server started with DIR
set -euo pipefail

FERRETDB_VERSION=v1.24.2   # the last release line with the SQLite backend
CACHE_DIR="${GOVCHECK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/govcheck}"
BINARY="$CACHE_DIR/ferretdb-$FERRETDB_VERSION"

build() {
  if [ -x "$BINARY" ]; then echo "$BINARY"; return; fi
  command -v go >/dev/null || { echo "ferretdb: Go is needed to build FerretDB" >&2; exit 1; }
  mkdir -p "$CACHE_DIR"
  # `go install …@version` builds a binary that panics at start: FerretDB embeds
  # build/version/version.txt, which the module zip does not carry. So build from a copy
  # of the module source with that file written.
  local module_dir work
  module_dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  work=$(mktemp -d)
  cp -r "$module_dir/." "$work/"
  chmod -R u+w "$work"
  echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
  echo "ferretdb: building $FERRETDB_VERSION (once; cached in $CACHE_DIR)" >&2
  (cd "$work" && go build -o "$BINARY.tmp" ./cmd/ferretdb)
  mv "$BINARY.tmp" "$BINARY"
  rm -rf "$work"
  echo "$BINARY"
}

start() {
  local dir="$1" port="$2" binary
  binary=$(build)
  # --debug-addr port 0: its metrics listener must not collide with another instance's
  mkdir -p "$dir/state" "$dir/sqlite"
  "$binary" --handler=sqlite --sqlite-url="file:$dir/sqlite/" \
    --listen-addr="127.0.0.1:$port" --state-dir="$dir/state" \
    --debug-addr=127.0.0.1:0 --telemetry=disable --log-level=warn >"$dir/ferretdb.log" 2>&1 &
  echo $! >"$dir/ferretdb.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if ! kill -0 "$(cat "$dir/ferretdb.pid")" 2>/dev/null; then
      echo "ferretdb: the server exited at start:" >&2; cat "$dir/ferretdb.log" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "ferretdb: not listening on 127.0.0.1:$port after 10 s:" >&2; cat "$dir/ferretdb.log" >&2; exit 1
}

stop() {
  local dir="$1"
  [ -f "$dir/ferretdb.pid" ] && kill "$(cat "$dir/ferretdb.pid")" 2>/dev/null || true
  rm -f "$dir/ferretdb.pid"
}

case "${1:-}" in
  build) build ;;
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 build | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
