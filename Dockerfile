# syntax=docker/dockerfile:1
# econet-gm3-gateway in a container: docker compose up -d (see docker-compose.yml and docs/docker.md).
# The build stage compiles and packs exactly what npm would publish (package.json "files"); the
# runtime stage installs that package with production dependencies only and runs as a non-root
# user in the dialout group, with its state (bus address, parameter snapshot) in the /data volume.
# Pinned: an exact Node 22 LTS release on Debian 12; docker-bake.hcl builds amd64, arm64 and arm/v7.
ARG NODE_IMAGE=node:22.23.5-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The history's SQLite engine (better-sqlite3) builds from source where no prebuilt binary can be
# downloaded for the platform: python3, make and a C++ compiler.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# prepack builds dist/ from a clean slate; the tarball is unpacked into /pkg.
RUN npm pack --pack-destination /tmp \
    && mkdir /pkg \
    && tar -xzf /tmp/econet-gm3-gateway-*.tgz -C /pkg --strip-components=1

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG SOURCE=https://github.com/econet-gm3/econet-gm3-gateway
LABEL org.opencontainers.image.title="econet-gm3-gateway" \
      org.opencontainers.image.description="Local gateway for GM3 (Plum ecoMAX360i) heat pumps on RS-485" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    STATE_DIR=/data \
    API_PORT=8000
WORKDIR /app
COPY --from=build /pkg/ ./
COPY package-lock.json ./
# serialport's native binding ships prebuilt (linux x64, arm64, arm); better-sqlite3 downloads a
# prebuilt binary or builds from source, so the compiler is installed for this step and removed after.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && npm ci --omit=dev --no-audit --no-fund \
    && apt-get purge -y --auto-remove python3 make g++ \
    && rm -rf /var/lib/apt/lists/* \
    && npm cache clean --force \
    && useradd --system --uid 10001 --user-group --groups dialout \
        --home-dir /app --no-create-home --shell /usr/sbin/nologin econet-gm3 \
    && mkdir -p /data \
    && chown econet-gm3:econet-gm3 /data
VOLUME ["/data"]
USER econet-gm3
EXPOSE 8000
# No curl in slim images: node asks /health itself. /health is 503 until the first complete poll, and a
# first registration (address probe, token, discovery) can take 2–3 minutes: failures in the first
# 180 s do not count.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.API_PORT || 8000}/health`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same as `npm start` (node dist/cli.js serve), without npm in between so SIGTERM reaches node.
CMD ["node", "dist/cli.js", "serve"]
