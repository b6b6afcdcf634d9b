#!/usr/bin/env bash
# Installs the Debian tools that some tests use (pdftotext, qpdf, espeak-ng, sox, chromium, tmux, ffprobe, pg_dump, faketime) when they
# are missing and we can (root with apt-get). Otherwise those tests skip with a reason (outside CI).
set -u
need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v qpdf      >/dev/null || need+=(qpdf)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox       >/dev/null || need+=(sox)
command -v chromium  >/dev/null || need+=(chromium)
command -v tmux      >/dev/null || need+=(tmux)              # the kiosk's burst-of-keys test (a real terminal)
command -v ffprobe   >/dev/null || need+=(ffmpeg)
command -v ffmpeg    >/dev/null || need+=(ffmpeg)            # the EBU R 128 meter of the radio audio tests
command -v pg_dump   >/dev/null || need+=(postgresql-client)   # warta backup/restore on PostgreSQL
command -v faketime  >/dev/null || need+=(faketime)            # the deployment test seals a month after its end
command -v promtool  >/dev/null || need+=(prometheus)          # promtool checks deploy/prometheus (its server is stopped below)
{ [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null; } || need+=(nginx)  # the public links test runs deploy/nginx/warta.conf (its service is stopped below)
command -v zbarimg   >/dev/null || need+=(zbar-tools)          # QR codes on slides and printed notices, decoded
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Memasang paket Debian: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || echo "Peringatan: gagal memasang ${need[*]}; uji yang membutuhkannya akan dilewati."
  # the tests need promtool only: the Prometheus server the package starts (under systemd) goes
  # the links test runs its own nginx on a free port: port 80 is not the tests' to hold
  case " ${need[*]} " in *" nginx "*)
    systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true ;;
  esac
  case " ${need[*]} " in *" prometheus "*)
    systemctl disable --now prometheus >/dev/null 2>&1 || service prometheus stop >/dev/null 2>&1 || true ;;
  esac
else
  echo "Catatan: ${need[*]} tidak terpasang dan tidak dapat dipasang otomatis (bukan root); uji terkait dilewati."
fi
exit 0
