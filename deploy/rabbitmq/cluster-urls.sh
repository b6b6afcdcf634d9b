#!/usr/bin/env bash
# Gives every service the addresses of all three RabbitMQ nodes (docker compose --profile cluster):
# each secrets/broker_<service>_url becomes a comma-separated list of the same account on
# rabbitmq, rabbitmq-2 and rabbitmq-3, so a service whose node dies reconnects to the next one
# (WARTA_BROKER accepts such a list; pika tries the nodes in order). Run it after
# deploy/make-secrets.sh; running it again changes nothing.
#
#   deploy/rabbitmq/cluster-urls.sh [FOLDER] [HOST...]   (default ./secrets; rabbitmq rabbitmq-2 rabbitmq-3)
#
# `warta topology export` still finds each account's password (it reads the first URL of a list).
set -euo pipefail
dir="${1:-${WARTA_SECRETS_DIR:-./secrets}}"
shift || true
hosts=("$@")
[ ${#hosts[@]} -gt 0 ] || hosts=(rabbitmq rabbitmq-2 rabbitmq-3)
shopt -s nullglob
files=("$dir"/broker_*_url)
[ ${#files[@]} -gt 0 ] || { echo "Galat: tidak ada $dir/broker_*_url; jalankan deploy/make-secrets.sh dulu." >&2; exit 1; }
for file in "${files[@]}"; do
  first="$(head -n1 "$file" | cut -d, -f1)"          # amqp://user:password@host:port/vhost
  if [[ ! "$first" =~ ^(amqps?://[^@/]+@)([^:/]+)(:[0-9]+)?(/.*)?$ ]]; then
    echo "Galat: $file bukan URL amqp:// yang dikenal" >&2; exit 1
  fi
  cred="${BASH_REMATCH[1]}" port="${BASH_REMATCH[3]:-:5672}" vhost="${BASH_REMATCH[4]}"
  list=""
  for host in "${hosts[@]}"; do list="${list:+$list,}${cred}${host}${port}${vhost}"; done
  if [ "$(cat "$file")" = "$list" ]; then echo "tetap:  $file"; continue; fi
  printf '%s\n' "$list" > "$file.tmp" && chmod 644 "$file.tmp" && mv -f "$file.tmp" "$file"
  echo "diubah: $file (${#hosts[@]} node)"
done
