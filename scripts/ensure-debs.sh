#!/usr/bin/env bash
# Installs the Debian tools that some tests use (pdftotext, qpdf, espeak-ng, sox, chromium, tmux, ffprobe, pg_dump) when they
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
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Memasang paket Debian: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || echo "Peringatan: gagal memasang ${need[*]}; uji yang membutuhkannya akan dilewati."
else
  echo "Catatan: ${need[*]} tidak terpasang dan tidak dapat dipasang otomatis (bukan root); uji terkait dilewati."
fi
exit 0
