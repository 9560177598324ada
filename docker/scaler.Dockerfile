# syntax=docker/dockerfile:1.7
# maas scaler image: queue-aware autoscaling of worker pools through the Kubernetes API.
# Build from the repository root:  docker build -f docker/scaler.Dockerfile -t maas-scaler .
# Multi-stage: the build stage compiles the workspace; the runtime stage holds only the scaler's
# production dependencies and the .proto files (docker/build-service.sh: the one recipe, which the local
# cluster's images use too), and runs as uid 10001 (the chart's runAsUser). Node.js 24, an LTS line.
ARG NODE_IMAGE=docker.io/library/node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV CI=true PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN corepack enable
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY bench/package.json bench/
COPY protos/ protos/
COPY libs/ libs/
COPY services/ services/
COPY docker/build-service.sh docker/
RUN pnpm install --frozen-lockfile \
 && docker/build-service.sh scaler /out

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production MAAS_PROTO_ROOT=/app/protos
WORKDIR /app
COPY --from=build /out/ /app/
USER 10001:10001
EXPOSE 8401 8402 8403
ENTRYPOINT ["node", "dist/main.js"]
