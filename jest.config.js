// Three projects: unit (pure logic, no processes), integration (real Redis/Consul/ORT started by the
// harness), e2e (the services as real processes). `make test` runs all three.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const moduleNameMapper = { '^@maas/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' };
// The environment shares typed-array constructors with the outer realm so onnxruntime-node works in tests.
const common = { transform, moduleNameMapper, testEnvironment: '<rootDir>/test/jest-environment.js', rootDir: __dirname };
const where = ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test', '<rootDir>/bench'];

module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: where, testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$'] },
    { ...common, displayName: 'integration', roots: where, testMatch: ['**/*.int.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] },
    { ...common, displayName: 'e2e', roots: where, testMatch: ['**/*.e2e.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] },
  ],
};
