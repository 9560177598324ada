# syntax=docker/dockerfile:1.7
# maas worker image with the CUDA execution provider.
# Build from the repository root:  docker build -f docker/worker-gpu.Dockerfile -t maas-worker-gpu .
#
# onnxruntime-node 1.29.0 bundles only the CPU library. Its CUDA provider must match that exact ORT
# version: the npm package com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 carries ORT 1.29.0's
# libonnxruntime_providers_{cuda,shared}.so built for CUDA 13, which are copied next to
# libonnxruntime.so.1. The runtime base brings CUDA 13 and cuDNN 9. The worker still falls back to CPU
# (with a log line and an execution_provider="cpu" metric label) when CUDA cannot be loaded.
ARG NODE_IMAGE=docker.io/library/node:24.22.3-bookworm-slim
ARG CUDA_IMAGE=nvcr.io/nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04

FROM ${NODE_IMAGE} AS node

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
 && docker/build-service.sh worker /out
WORKDIR /providers
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN npm pack --silent com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 \
 && tar -xzf ./*.tgz \
 && ort_lib=$(find /out/node_modules -path '*onnxruntime-node/bin/*/linux/x64/libonnxruntime.so.1' -print -quit) \
 && test -n "$ort_lib" \
 && find package -name 'libonnxruntime_providers_cuda.so' -exec cp {} "$(dirname "$ort_lib")/" \; \
 && find package -name 'libonnxruntime_providers_shared.so' -exec cp {} "$(dirname "$ort_lib")/" \; \
 && test -f "$(dirname "$ort_lib")/libonnxruntime_providers_cuda.so" \
 && rm -rf /providers/*

FROM ${CUDA_IMAGE} AS runtime
COPY --from=node /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production MAAS_PROTO_ROOT=/app/protos MAAS_WORKER_EXECUTION_PROVIDERS=cuda,cpu
WORKDIR /app
COPY --from=build /out/ /app/
USER 10001:10001
EXPOSE 8301 8302
ENTRYPOINT ["node", "dist/main.js"]
