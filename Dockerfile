# syntax=docker/dockerfile:1
# The base is pinned to an exact Python patch release and Debian release. Pin it by digest too
# (python:3.11.13-slim-bookworm@sha256:…) where your registry is reachable; bump both together.

# Dependencies stage: only pyproject.toml goes in, so a source change never reinstalls them.
FROM python:3.11.13-slim-bookworm AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/tracker-bridge
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; p = tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" \
        > /tmp/requirements.txt \
    && /opt/tracker-bridge/bin/pip install -r /tmp/requirements.txt

# Build stage: the wheel (mapping files and migrations ship inside it).
FROM python:3.11.13-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md CHANGELOG.md ./
COPY tracker_bridge ./tracker_bridge
COPY adapters ./adapters
COPY mappings ./mappings
COPY config ./config
COPY examples ./examples
RUN pip wheel --no-deps --wheel-dir /dist .

# Runtime stage: the dependencies' layer, then the small layer of the package itself.
FROM python:3.11.13-slim-bookworm
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
# The state directory exists and belongs to the user before VOLUME: a new named volume is
# created from it (owned by uid 10001), and without a volume the store can still be opened.
RUN useradd --create-home --uid 10001 bridge \
    && install -d -o 10001 -g 10001 /home/bridge/state /home/bridge/config
COPY --from=deps /opt/tracker-bridge /opt/tracker-bridge
COPY --from=build /dist/ /tmp/dist/
RUN /opt/tracker-bridge/bin/pip install --no-deps /tmp/dist/*.whl && rm -r /tmp/dist
ENV PATH=/opt/tracker-bridge/bin:$PATH \
    TB_CONFIG=/home/bridge/config/tracker-bridge.toml \
    TB_STORE__URL=sqlite:////home/bridge/state/state.sqlite \
    TB_SERVE__HOST=0.0.0.0 \
    TB_SERVE__PORT=8088
USER 10001
WORKDIR /home/bridge
VOLUME ["/home/bridge/state"]
# /healthz and /metrics (and the webhooks, when enabled).
EXPOSE 8088
# Ready only while the store answers and the scheduler runs (python: slim has no curl).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('TB_SERVE__PORT', '8088'), timeout=8)"]
ENTRYPOINT ["tracker-bridge"]
CMD ["serve"]
