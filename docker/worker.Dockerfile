# syntax=docker/dockerfile:1.7
# maas worker image: ONNX Runtime workers on the CPU execution provider (the CPU library ships in onnxruntime-node).
# Build from the repository root:  docker build -f docker/worker.Dockerfile -t maas-worker .
# Multi-stage: the build stage compiles the workspace; the runtime stage holds only the worker's
# production dependencies (pnpm deploy), the .proto files, and runs as uid 10001 (the chart's runAsUser).
ARG NODE_IMAGE=docker.io/library/node:20.19.5-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV CI=true PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN corepack enable
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY bench/package.json bench/
COPY protos/ protos/
COPY libs/ libs/
COPY services/ services/
RUN pnpm install --frozen-lockfile \
 && pnpm exec tsc -b services/worker \
 && pnpm --filter @maas/worker deploy --prod --legacy /out

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production MAAS_PROTO_ROOT=/app/protos
WORKDIR /app
COPY --from=build /out/ /app/
COPY --from=build /src/protos/ /app/protos/
USER 10001:10001
EXPOSE 8301 8302
ENTRYPOINT ["node", "dist/main.js"]
