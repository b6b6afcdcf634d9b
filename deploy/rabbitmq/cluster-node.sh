#!/bin/sh
# Entry point of the second and third RabbitMQ node (docker compose --profile cluster).
# Every node of a cluster must hold the same Erlang cookie. The first node (service `rabbitmq`)
# made its own at its first boot, in its volume; this node mounts that volume read-only at
# /srv/rabbitmq-1 and copies the cookie (mode 0400, owner rabbitmq) before RabbitMQ starts.
set -eu
src=/srv/rabbitmq-1/.erlang.cookie
dst=/var/lib/rabbitmq/.erlang.cookie
if [ ! -r "$src" ]; then
  echo "Galat: $src tidak ada; jalankan node pertama (layanan rabbitmq) lebih dulu." >&2
  exit 1
fi
if ! cmp -s "$src" "$dst" 2>/dev/null; then
  cp "$src" "$dst.tmp"
  chmod 400 "$dst.tmp"
  if [ "$(id -u)" = 0 ]; then chown rabbitmq:rabbitmq "$dst.tmp"; fi
  mv -f "$dst.tmp" "$dst"
fi
exec docker-entrypoint.sh "$@"
