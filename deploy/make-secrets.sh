#!/usr/bin/env bash
# Creates the secret files docker-compose.yml reads (compose `secrets:`), once, with random
# passwords. Existing files are kept, so running it again is safe; delete a file to rotate it.
#
#   deploy/make-secrets.sh [FOLDER]        (default: ./secrets, or $WARTA_SECRETS_DIR)
#
# The folder is 0700 (only its owner may enter it); the files are 0644 because compose bind-mounts
# each file into the container as-is, where Warta runs as uid 10001 and RabbitMQ as uid 999.
set -euo pipefail
dir="${1:-${WARTA_SECRETS_DIR:-./secrets}}"
prefix="${WARTA_AMQP_PREFIX:-warta}"
vhost="${WARTA_AMQP_VHOST:-warta}"
broker_host="${WARTA_BROKER_HOST:-rabbitmq}"
command -v openssl >/dev/null || { echo "Galat: openssl diperlukan untuk membuat rahasia." >&2; exit 1; }
umask 022
mkdir -p "$dir"
chmod 700 "$dir"

password() { openssl rand -hex 24; }   # hex: safe inside a URL without escaping
write() {  # write FILE CONTENT, only when FILE is missing
  if [ -e "$dir/$1" ]; then echo "tetap:  $dir/$1"; return; fi
  printf '%s\n' "$2" > "$dir/$1"
  chmod 644 "$dir/$1"
  echo "dibuat: $dir/$1"
}

pg="$( [ -e "$dir/postgres_password" ] && cat "$dir/postgres_password" || password )"
write postgres_password "$pg"
write database_url "postgresql+psycopg://warta:${pg}@postgres:5432/warta"
write rabbitmq_admin_password "$(password)"
for service in relay archiver ops videotron radio web print; do
  write "broker_${service}_url" "amqp://${prefix}-${service}:$(password)@${broker_host}:5672/${vhost}"
done

# The Ed25519 pair: the private key only for the kiosk and the relay, the public key for workers.
if [ ! -e "$dir/signing.key" ]; then
  openssl genpkey -algorithm ED25519 -out "$dir/signing.key"
  openssl pkey -in "$dir/signing.key" -pubout -out "$dir/signing.pub"
  chmod 644 "$dir/signing.key" "$dir/signing.pub"
  echo "dibuat: $dir/signing.key, $dir/signing.pub"
else
  echo "tetap:  $dir/signing.key"
fi
# One Ed25519 pair per worker for signing receipts: the private key only for that worker, the
# public key registered for its channel under workers/<channel>/ (read by the archiver; not secret).
for ch in videotron radio web print; do
  if [ ! -e "$dir/worker-$ch.key" ]; then
    mkdir -p "$dir/workers/$ch"
    openssl genpkey -algorithm ED25519 -out "$dir/worker-$ch.key"
    openssl pkey -in "$dir/worker-$ch.key" -pubout -out "$dir/workers/$ch/$ch.pub"
    chmod 644 "$dir/worker-$ch.key" "$dir/workers/$ch/$ch.pub"
    chmod 755 "$dir/workers" "$dir/workers/$ch"
    echo "dibuat: $dir/worker-$ch.key, $dir/workers/$ch/$ch.pub"
  else
    echo "tetap:  $dir/worker-$ch.key"
  fi
done
echo "Selesai. Simpan cadangan folder $dir di tempat aman; jangan masukkan ke git."
