#!/usr/bin/env bash
# Starts the local RabbitMQ and PostgreSQL when they are installed but not answering. Tests that need
# them skip with a reason when they stay down, except under CI, where they fail.
set -u
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 5672 && command -v rabbitmq-server >/dev/null; then
  echo "Menyalakan RabbitMQ..."
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do up 5672 && break; sleep 1; done
fi
if ! up 5432 && command -v pg_ctlcluster >/dev/null; then
  echo "Menyalakan PostgreSQL..."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do up 5432 && break; sleep 1; done
fi
exit 0
