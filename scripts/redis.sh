#!/usr/bin/env bash
# Starts and stops a throwaway Redis on loopback for the tests of rounds shared by several
# processes (Debian's redis-server; scripts/bootstrap.sh installs it).
#   scripts/redis.sh start DIR PORT -> starts redis-server on 127.0.0.1:PORT, nothing saved to disk
#   scripts/redis.sh stop DIR       -> stops the server started with DIR
set -euo pipefail

start() {
  local dir="$1" port="$2"
  command -v redis-server >/dev/null || { echo "redis: redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
  mkdir -p "$dir"
  # No snapshots, no append-only file: a test server keeps nothing.
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
    --protected-mode yes --daemonize no --logfile "$dir/redis.log" &
  echo $! >"$dir/redis.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
      echo "redis: the server exited at start:" >&2; cat "$dir/redis.log" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "redis: not listening on 127.0.0.1:$port after 10 s:" >&2; cat "$dir/redis.log" >&2; exit 1
}

stop() {
  local dir="$1"
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}

case "${1:-}" in
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
