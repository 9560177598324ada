// Jest environment for tests that run onnxruntime-node: Jest gives each test file its own realm, so a
// Float32Array made by ORT's native code (the outer realm) fails onnxruntime-common's `instanceof` checks
// inside the sandbox ("A float32 tensor's data must be type of Float32Array"). Sharing the typed-array
// constructors of the outer realm makes both sides agree. Shared by every test project:
// jest.config.js uses it for every project.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray',
  'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
