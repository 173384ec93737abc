# syntax=docker/dockerfile:1
#
# One image recipe for every chiso service. Build context: the repository root.
#
#   docker build -f deploy/docker/service.Dockerfile \
#       --build-arg SERVICE=scoring --build-arg HTTP_PORT=8002 -t chiso/scoring .
#
# SERVICE   ingest | scoring | alerts   (selects the workspace package chiso-<SERVICE>)
# HTTP_PORT the port the service's HTTP server (/healthz, /readyz, /metrics) listens on
#
# The image holds only chiso-core and chiso-<SERVICE> with their locked runtime dependencies:
# no dev group, no chiso-devstack, no uv, no sources (packages are installed as wheels).
# The scoring image also runs the one-shot `chiso migrate` job (chiso-core provides it).

ARG PYTHON_IMAGE=python:3.11-slim

# --------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ARG SERVICE
ARG UV_VERSION=0.13.9
RUN test -n "${SERVICE}" || { echo "build arg SERVICE is required (ingest|scoring|alerts)" >&2; exit 1; }

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /src

# 1. Dependencies only. Every workspace member's pyproject.toml is needed (the workspace is
#    discovered from them and `--locked` checks uv.lock against all of them), but no sources,
#    so this layer is rebuilt only when a pyproject.toml or uv.lock changes.
COPY pyproject.toml uv.lock ./
COPY libs/chiso-core/pyproject.toml libs/chiso-core/
COPY libs/chiso-devstack/pyproject.toml libs/chiso-devstack/
COPY services/ingest/pyproject.toml services/ingest/
COPY services/scoring/pyproject.toml services/scoring/
COPY services/alerts/pyproject.toml services/alerts/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-editable --no-install-workspace --package "chiso-${SERVICE}"

# 2. The two workspace packages this service is made of, installed as wheels.
COPY libs/chiso-core/src libs/chiso-core/src
COPY services/${SERVICE}/src services/${SERVICE}/src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-editable --package "chiso-${SERVICE}"

# --------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ARG SERVICE
ARG HTTP_PORT
RUN test -n "${HTTP_PORT}" || { echo "build arg HTTP_PORT is required" >&2; exit 1; }

RUN groupadd --system --gid 10001 chiso \
 && useradd --system --uid 10001 --gid chiso --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin chiso

WORKDIR /app

# Root-owned and read-only for the service user. The venv keeps the path it was built at, so
# the scripts' shebangs stay valid.
COPY --from=builder /app/.venv /app/.venv
# The catalog is read by ingest and scoring; alerts ignores it (it is a few YAML files).
COPY catalog/ /app/catalog/

# SERVICE is read by CMD only (not a chiso setting). CHISO_HTTP_PORT mirrors the settings
# default of the service, so the healthcheck and EXPOSE agree with what the server binds.
ENV PATH=/app/.venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SERVICE=${SERVICE} \
    CHISO_HTTP_HOST=0.0.0.0 \
    CHISO_HTTP_PORT=${HTTP_PORT} \
    CHISO_LOG_JSON=true \
    CHISO_CATALOG_DIR=/app/catalog

USER 10001:10001

EXPOSE ${HTTP_PORT}

# No curl in slim images: probe liveness with the standard library. urlopen raises on any
# non-2xx answer or connection error, which makes the probe exit non-zero.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['CHISO_HTTP_PORT'] + '/healthz', timeout=4)"]

# `exec` makes the service PID 1, so it receives SIGTERM from `docker stop` directly.
# Equivalent to CMD ["chiso", "<SERVICE>", "serve"]; compose may also set `command` explicitly.
CMD ["/bin/sh", "-c", "exec chiso \"${SERVICE}\" serve"]
