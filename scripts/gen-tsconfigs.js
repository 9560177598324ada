// Writes each workspace package's tsconfig.json (project references from its @maas/* dependencies) and
// the root solution tsconfig.json. Run after adding a package or a workspace dependency.
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const dirs = ['libs', 'services'].flatMap((d) =>
  fs.existsSync(path.join(root, d)) ? fs.readdirSync(path.join(root, d)).map((n) => `${d}/${n}`) : [],
).concat(['bench', 'test']).filter((d) => fs.existsSync(path.join(root, d, 'package.json')));
// Only packages with sources take part in the build (a package.json alone is a placeholder for work to come).
const hasSources = (d) => fs.readdirSync(path.join(root, d, d === 'test' ? '.' : 'src'), { recursive: true }).some((f) => String(f).endsWith('.ts'));
const built = dirs.filter((d) => fs.existsSync(path.join(root, d, d === 'test' ? '.' : 'src')) && hasSources(d));
const byName = new Map(dirs.map((d) => [require(path.join(root, d, 'package.json')).name, d]));
for (const dir of built) {
  const pkg = require(path.join(root, dir, 'package.json'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => byName.has(n) && built.includes(byName.get(n)));
  const tsconfig = {
    extends: path.relative(path.join(root, dir), path.join(root, 'tsconfig.base.json')),
    compilerOptions: dir === 'test'
      ? { rootDir: '.', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' }
      : { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: dir === 'test' ? ['**/*.ts'] : ['src'],
    ...(dir === 'test' ? { exclude: ['dist', 'node_modules'] } : {}),
    references: deps.map((n) => ({ path: path.relative(path.join(root, dir), path.join(root, byName.get(n))) })),
  };
  fs.writeFileSync(path.join(root, dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
}
fs.writeFileSync(
  path.join(root, 'tsconfig.json'),
  JSON.stringify({ files: [], references: built.map((d) => ({ path: d })) }, null, 2) + '\n',
);
