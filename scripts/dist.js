// `make dist`: installable npm tarballs of the SDK and the CLI, for machines without the repo:
//   dist/maas-client-<version>.tgz   @maas/client (npm install it into any project)
//   dist/maas-cli-<version>.tgz      @maas/cli    (npm install -g it: a `maas` command)
// Everything each one needs travels inside the tarball as bundled dependencies: the workspace packages
// (@maas/tensor, @maas/protos with its .proto files, ...) and their public dependencies (grpc-js, commander, ...,
// installed from the npm registry into the staging folder at pack time). So `npm install` of a tarball needs no
// registry and no repo, and `npm install -g` works too (a global install puts a package's dependencies in its own
// node_modules, where npm would take non-bundled ones for part of the bundle and never fetch them).
// Packages must be built first (make build). npm's cache: $MAAS_NPM_CACHE, else ~/.cache/maas-tools/npm.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const npmCache = process.env.MAAS_NPM_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(require('os').homedir(), '.cache'), 'maas-tools/npm');
const workspaceDirs = ['libs', 'services'].flatMap((d) => fs.readdirSync(path.join(root, d)).map((n) => path.join(root, d, n)));
const byName = new Map(workspaceDirs.filter((d) => fs.existsSync(path.join(d, 'package.json'))).map((d) => [require(path.join(d, 'package.json')).name, d]));
const TARGETS = [
  { dir: 'libs/client', tarball: 'maas-client' },
  { dir: 'services/cli', tarball: 'maas-cli' },
];
// Build outputs that stay behind: tests, incremental build state, source maps of sources not shipped.
const skip = (file) => /\.test\.(js|d\.ts)$|\.(int|e2e)\.test\.|\.tsbuildinfo$|\.map$/.test(file);

function readPkg(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

/** Splits dependencies into workspace ones (bundled) and public ones (installed from the registry). */
function split(pkg) {
  const deps = pkg.dependencies ?? {};
  return {
    workspace: Object.keys(deps).filter((n) => String(deps[n]).startsWith('workspace:')),
    public: Object.fromEntries(Object.entries(deps).filter(([, v]) => !String(v).startsWith('workspace:'))),
  };
}

/** Every workspace package `name` needs, transitively. */
function closure(name, seen = new Set()) {
  for (const dep of split(readPkg(byName.get(name))).workspace) {
    if (!byName.has(dep)) throw new Error(`${name} depends on ${dep}, which is not a workspace package`);
    if (!seen.has(dep)) {
      seen.add(dep);
      closure(dep, seen);
    }
  }
  return seen;
}

function copyBuild(fromDir, toDir) {
  const dist = path.join(fromDir, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error(`${path.relative(root, fromDir)} is not built: run make build first`);
  fs.cpSync(dist, path.join(toDir, 'dist'), { recursive: true, filter: (src) => !skip(src) });
}

/** Merges public dependency ranges; two packages asking for different ranges of one dependency is an error. */
function mergeDeps(into, from, who) {
  for (const [dep, range] of Object.entries(from)) {
    if (into[dep] !== undefined && into[dep] !== range) throw new Error(`${who} wants ${dep}@${range} but another package wants ${into[dep]}: align them`);
    into[dep] = range;
  }
}

function packTarget({ dir, tarball }) {
  const srcDir = path.join(root, dir);
  const pkg = readPkg(srcDir);
  const stage = path.join(root, '.run/dist', tarball);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  copyBuild(srcDir, stage);
  for (const extra of ['README.md']) if (fs.existsSync(path.join(srcDir, extra))) fs.copyFileSync(path.join(srcDir, extra), path.join(stage, extra));
  const dependencies = {};
  mergeDeps(dependencies, split(pkg).public, pkg.name);
  const bundled = [...closure(pkg.name)].sort();
  for (const name of bundled) {
    const depDir = byName.get(name);
    const depPkg = readPkg(depDir);
    const to = path.join(stage, 'node_modules', name);
    copyBuild(depDir, to);
    if (name === '@maas/protos') fs.cpSync(path.join(root, 'protos'), path.join(to, 'protos'), { recursive: true });
    const pub = split(depPkg).public;
    mergeDeps(dependencies, pub, name);
    fs.writeFileSync(path.join(to, 'package.json'), `${JSON.stringify({ name, version: depPkg.version, description: depPkg.description, main: depPkg.main, types: depPkg.types, dependencies: pub }, null, 2)}\n`);
  }
  const { version } = readPkg(root);
  const publicDeps = Object.fromEntries(Object.entries(dependencies).sort());
  // Public dependencies first (npm install prunes what its package.json does not list), then the workspace ones.
  const modules = path.join(stage, 'node_modules');
  const workspaceModules = path.join(root, '.run/dist', `${tarball}.workspace`);
  fs.rmSync(workspaceModules, { recursive: true, force: true });
  if (fs.existsSync(modules)) fs.renameSync(modules, workspaceModules);
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({ name: pkg.name, version, private: true, dependencies: publicDeps }, null, 2)}\n`);
  execFileSync('npm', ['install', '--omit=dev', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--cache', npmCache], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.cpSync(workspaceModules, modules, { recursive: true });
  fs.rmSync(workspaceModules, { recursive: true, force: true });
  const allModules = fs.readdirSync(modules).filter((n) => !n.startsWith('.')).flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(modules, n)).map((m) => `${n}/${m}`) : [n]));
  const out = {
    name: pkg.name,
    version,
    description: pkg.description,
    license: 'Apache-2.0',
    main: pkg.main,
    types: pkg.types,
    ...(pkg.bin ? { bin: pkg.bin } : {}),
    engines: { node: '>=20' },
    // Bundled packages are listed as dependencies too (npm packs only bundled dependencies it sees as edges);
    // being in the tarball, they are never fetched.
    dependencies: Object.fromEntries([...Object.entries(publicDeps), ...bundled.map((n) => [n, readPkg(byName.get(n)).version])].sort()),
    bundleDependencies: allModules.sort(),
  };
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(out, null, 2)}\n`);
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  const file = `${tarball}-${version}.tgz`;
  execFileSync('npm', ['pack', '--silent', '--pack-destination', path.join(root, 'dist')], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  const size = fs.statSync(path.join(root, 'dist', file)).size;
  process.stdout.write(`dist/${file}  ${(size / 1024).toFixed(0)} KiB  (${pkg.name}, bundling ${bundled.join(', ')})\n`);
}

for (const target of TARGETS) packTarget(target);
