// Four projects: unit (pure logic, no processes), integration (real Redis/Consul/ORT started by the
// harness), e2e (the services as real processes), cluster (the chart on the local Kubernetes of
// `make cluster-up`; run by `make cluster-test` inside the cluster's network namespace). `make test`
// runs the first three with jest, then the cluster steps.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const moduleNameMapper = { '^@maas/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' };
// The environment shares typed-array constructors with the outer realm so onnxruntime-node works in tests.
const common = { transform, moduleNameMapper, testEnvironment: '<rootDir>/test/jest-environment.js', rootDir: __dirname };
const where = ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test', '<rootDir>/bench'];

module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: where, testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$', '\\.cluster\\.test\\.ts$'] },
    { ...common, displayName: 'integration', roots: where, testMatch: ['**/*.int.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] },
    { ...common, displayName: 'e2e', roots: where, testMatch: ['**/*.e2e.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] },
    { ...common, displayName: 'cluster', roots: ['<rootDir>/test'], testMatch: ['**/*.cluster.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] },
  ],
};
