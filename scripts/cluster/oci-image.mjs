#!/usr/bin/env node
// Writes one image into an OCI image layout directory (oci-layout, index.json, blobs/sha256/...), from
// layer tarballs that scripts/cluster/images.sh made, with no registry and no Docker. The image's run
// settings (ENV, WORKDIR, USER, EXPOSE, ENTRYPOINT, CMD) are read from the final stage of the service's
// Dockerfile, so the local image runs exactly as the production one is defined; images without a
// Dockerfile (redis, consul, pause, tests) pass them as JSON. `ctr images import` reads the layout
// (tarred) and names each image after its io.containerd.image.name annotation.
//
//   node scripts/cluster/oci-image.mjs --layout DIR --name REF (--dockerfile FILE | --config JSON) --layer TAR...
import { createHash } from "node:crypto";
import { createReadStream, existsSync, linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const usage = "usage: oci-image.mjs --layout DIR --name REF (--dockerfile FILE | --config JSON) --layer TAR [--layer TAR...]";

function parseArgs(argv) {
  const args = { layers: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "-h" || flag === "--help") {
      console.log(usage);
      process.exit(0);
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    if (flag === "--layout") args.layout = value;
    else if (flag === "--name") args.name = value;
    else if (flag === "--dockerfile") args.dockerfile = value;
    else if (flag === "--config") args.config = JSON.parse(value);
    else if (flag === "--layer") args.layers.push(value);
    else throw new Error(`unknown flag ${flag}\n${usage}`);
  }
  if (!args.layout || !args.name || args.layers.length === 0 || !(args.dockerfile || args.config)) throw new Error(usage);
  return args;
}

/** The run settings of a Dockerfile's final stage, as an OCI image config's `config` object. */
export function runConfigFromDockerfile(text) {
  const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim());
  const lastFrom = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const config = { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] };
  const setEnv = (k, v) => {
    config.Env = config.Env.filter((e) => !e.startsWith(`${k}=`)).concat(`${k}=${v}`);
  };
  for (const line of lines.slice(lastFrom + 1)) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, instr, rest] = m;
    if (instr === "ENV") for (const kv of rest.match(/\S+=("[^"]*"|\S*)/g) ?? []) setEnv(kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1).replace(/^"|"$/g, ""));
    else if (instr === "WORKDIR") config.WorkingDir = rest;
    else if (instr === "USER") config.User = rest;
    else if (instr === "EXPOSE") for (const p of rest.split(/\s+/)) (config.ExposedPorts ??= {})[p.includes("/") ? p : `${p}/tcp`] = {};
    else if (instr === "ENTRYPOINT") config.Entrypoint = JSON.parse(rest);
    else if (instr === "CMD") config.Cmd = JSON.parse(rest);
  }
  return config;
}

async function sha256File(path) {
  // The digest of a big layer is kept beside it, valid while the tarball is unchanged.
  const side = `${path}.sha256`;
  const st = statSync(path);
  if (existsSync(side)) {
    const [digest, size, mtime] = readFileSync(side, "utf8").trim().split(" ");
    if (Number(size) === st.size && Number(mtime) === st.mtimeMs) return digest;
  }
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  const digest = hash.digest("hex");
  writeFileSync(side, `${digest} ${st.size} ${st.mtimeMs}\n`);
  return digest;
}

function writeBlob(layout, json) {
  const bytes = Buffer.from(JSON.stringify(json));
  const digest = createHash("sha256").update(bytes).digest("hex");
  writeFileSync(join(layout, "blobs", "sha256", digest), bytes);
  return { digest: `sha256:${digest}`, size: bytes.length };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const blobs = join(args.layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(args.layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));

  const layers = [];
  for (const tar of args.layers) {
    const digest = await sha256File(tar);
    const blob = join(blobs, digest);
    if (!existsSync(blob)) linkSync(tar, blob);
    layers.push({ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: `sha256:${digest}`, size: statSync(tar).size });
  }
  const runConfig = args.dockerfile ? runConfigFromDockerfile(readFileSync(args.dockerfile, "utf8")) : args.config;
  const config = writeBlob(args.layout, {
    architecture: "amd64",
    os: "linux",
    config: runConfig,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    history: layers.map(() => ({ created_by: "scripts/cluster/images.sh" })),
  });
  const manifest = writeBlob(args.layout, {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
    layers,
  });
  const indexPath = join(args.layout, "index.json");
  const index = existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, "utf8")) : { schemaVersion: 2, manifests: [] };
  index.manifests = index.manifests.filter((m) => m.annotations?.["io.containerd.image.name"] !== args.name);
  index.manifests.push({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    ...manifest,
    annotations: { "io.containerd.image.name": args.name, "org.opencontainers.image.ref.name": args.name.split(":").pop() },
  });
  writeFileSync(indexPath, JSON.stringify(index, null, 2));
  const bytes = layers.reduce((n, l) => n + l.size, 0);
  console.log(`${args.name} ${manifest.digest} ${bytes}`);
}

main().catch((err) => {
  console.error(`oci-image: ${err.message}`);
  process.exit(1);
});
