# syntax=docker/dockerfile:1
# Build stage: build the wheel (mapping files and migrations ship inside it).
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir build
COPY pyproject.toml README.md CHANGELOG.md ./
COPY tracker_bridge ./tracker_bridge
COPY adapters ./adapters
COPY mappings ./mappings
COPY config ./config
COPY examples ./examples
RUN python -m build --wheel --outdir /dist

# Runtime stage: just the wheel and its dependencies, run as a non-root user.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 bridge
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir "$(ls /tmp/*.whl)[postgres]" && rm /tmp/*.whl
USER bridge
WORKDIR /home/bridge
# State defaults to SQLite under the working directory; mount a volume or set TB_STORE__URL.
ENV TB_STORE__URL=sqlite:////home/bridge/state/state.sqlite
VOLUME ["/home/bridge/state"]
ENTRYPOINT ["tracker-bridge"]
CMD ["serve"]
