#!/usr/bin/env bash
# pnpm bench:queue: the job queue's throughput (unet bench --queue) on a Redis of its own,
# started here on a free localhost port with AOF on (an fsync per write, as docs/queue.md runs
# it) and stopped at the end. JSON lines on stdout; arguments go to unet bench (--images N,
# --workers 1,2,4).
set -euo pipefail
command -v redis-server >/dev/null || { echo "bench:queue needs redis-server (apt-get install -y redis-server)" >&2; exit 2; }
dir=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save '' --daemonize yes --pidfile "$dir/redis.pid" >/dev/null
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on port $port (AOF on)" >&2
node apps/trainer/dist/cli.js bench --queue "redis://127.0.0.1:$port/0" "$@"
