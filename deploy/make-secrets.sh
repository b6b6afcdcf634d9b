#!/usr/bin/env bash
# Creates the secret files docker-compose.yml reads (compose `secrets:`), once, with random
# passwords. Existing files are kept, so running it again is safe; delete a file to rotate it.
#
#   sudo deploy/make-secrets.sh [FOLDER]        (default: ./secrets, or $WARTA_SECRETS_DIR)
#
# The folder is 0700 and every secret file (passwords, URLs, private keys) 0600, from the moment it
# is created (umask 077); files left 0644 by an older version are tightened on every run. Compose
# bind-mounts each file into its container as it is (a file secret's uid/gid/mode are Swarm-only),
# so a secret must belong to the user that reads it there: run as root, the script gives the
# secret files to WARTA_SECRETS_OWNER (default 10001:10001, the Warta image's user; PostgreSQL
# reads its password as root). WARTA_SECRETS_OWNER= (empty) leaves them to whoever runs the
# script: for systemd, whose LoadCredential= reads them as root. The public keys (signing.pub,
# workers/<channel>/*.pub) are not secret: 0644, their folders 0755.
set -euo pipefail
dir="${1:-${WARTA_SECRETS_DIR:-./secrets}}"
prefix="${WARTA_AMQP_PREFIX:-warta}"
vhost="${WARTA_AMQP_VHOST:-warta}"
broker_host="${WARTA_BROKER_HOST:-rabbitmq}"
owner="${WARTA_SECRETS_OWNER-10001:10001}"
command -v openssl >/dev/null || { echo "Galat: openssl diperlukan untuk membuat rahasia." >&2; exit 1; }
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

secret_files=()
private() {  # private FILE: 0600 (also a file an older version left 0644), to be given to $owner
  chmod 600 "$dir/$1"
  secret_files+=("$dir/$1")
}
public() {  # public FILE...: readable by every service (not secret)
  chmod 644 "$@"
}

password() { openssl rand -hex 24; }   # hex: safe inside a URL without escaping
write() {  # write FILE CONTENT, only when FILE is missing
  if [ -e "$dir/$1" ]; then echo "tetap:  $dir/$1"; private "$1"; return; fi
  printf '%s\n' "$2" > "$dir/$1"
  private "$1"
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
  echo "dibuat: $dir/signing.key, $dir/signing.pub"
else
  echo "tetap:  $dir/signing.key"
fi
private signing.key
[ -e "$dir/signing.pub" ] && public "$dir/signing.pub"
# One Ed25519 pair per worker for signing receipts: the private key only for that worker, the
# public key registered for its channel under workers/<channel>/ (read by the archiver; not secret).
for ch in videotron radio web print; do
  if [ ! -e "$dir/worker-$ch.key" ]; then
    mkdir -p "$dir/workers/$ch"
    openssl genpkey -algorithm ED25519 -out "$dir/worker-$ch.key"
    openssl pkey -in "$dir/worker-$ch.key" -pubout -out "$dir/workers/$ch/$ch.pub"
    public "$dir/workers/$ch/$ch.pub"
    chmod 755 "$dir/workers" "$dir/workers/$ch"
    echo "dibuat: $dir/worker-$ch.key, $dir/workers/$ch/$ch.pub"
  else
    echo "tetap:  $dir/worker-$ch.key"
  fi
  private "worker-$ch.key"
done

if [ -n "$owner" ]; then
  if [ "$(id -u)" = 0 ]; then
    chown "$owner" "${secret_files[@]}"
    echo "Berkas rahasia (mode 600) diberikan kepada $owner, pengguna layanan di kontainer."
  elif [ "$(stat -c '%u:%g' "$dir/signing.key")" != "$owner" ]; then
    echo "Perhatian: berkas rahasia (mode 600) milik $(id -un); kontainer Warta berjalan sebagai" \
         "$owner dan belum dapat membacanya. Jalankan skrip ini dengan sudo, atau:" \
         "sudo chown $owner $dir/*_password $dir/*_url $dir/*.key" >&2
  fi
fi
echo "Selesai. Simpan cadangan folder $dir di tempat aman; jangan masukkan ke git."
