# syntax=docker/dockerfile:1
# Warta images. Targets:
#   app    (default) relay, archiver, kiosk, videotron/web/print workers, migrations, doctor
#   radio  the same plus the speech engine espeak-ng (Indonesian voice) for the radio worker
# Build: docker compose build   (or: docker build --target radio -t warta-radio .)
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: a virtual environment with Warta and its dependencies (wheels only, no compiler) ------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/warta
COPY pyproject.toml README.md* ./
COPY warta ./warta
COPY shared ./shared
COPY channels ./channels
COPY kiosk ./kiosk
COPY workers ./workers
RUN /opt/warta/bin/pip install . \
 && find /opt/warta -type d -name __pycache__ -prune -exec rm -rf {} +

# --- runtime: the slim base, a dedicated unprivileged user, nothing else -------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG WARTA_UID=10001
RUN groupadd --system --gid ${WARTA_UID} warta \
 && useradd --system --uid ${WARTA_UID} --gid warta --home-dir /var/lib/warta --no-create-home \
            --shell /usr/sbin/nologin warta \
 && mkdir -p /var/lib/warta /srv/warta/out /srv/warta/archive /srv/warta/broker-definitions \
 && chown -R warta:warta /var/lib/warta /srv/warta
COPY --from=build /opt/warta /opt/warta
ENV PATH=/opt/warta/bin:$PATH \
    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    HOME=/var/lib/warta XDG_CACHE_HOME=/tmp/cache \
    WARTA_HOME=/var/lib/warta \
    WARTA_OUTPUT_DIR=/srv/warta/out \
    WARTA_ARCHIVE_DIR=/srv/warta/archive \
    WARTA_METRICS_HOST=0.0.0.0 \
    WARTA_METRICS_PORT=9100 \
    WARTA_LOG_FORMAT=json
WORKDIR /var/lib/warta
USER ${WARTA_UID}:${WARTA_UID}
EXPOSE 9100
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["warta", "healthcheck"]
ENTRYPOINT ["warta"]
CMD ["doctor"]

# --- radio: espeak-ng for the spoken announcements ------------------------------------------------
FROM runtime AS radio
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng \
 && rm -rf /var/lib/apt/lists/* \
 && espeak-ng --voices=id | grep -q ' id '
ARG WARTA_UID=10001
USER ${WARTA_UID}:${WARTA_UID}

# --- app: the default target --------------------------------------------------------------------
FROM runtime AS app
