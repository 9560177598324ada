// Jest test environment for every project (jest.config.js), so suites can run onnxruntime-node in process.
//
// Two problems of ORT under jest, both because jest loads every test file's modules in a fresh realm while
// native addons (.node files) are loaded once per process:
// 1. typed arrays made by the native binding (host realm) fail `instanceof Float32Array` checks of
//    onnxruntime-common inside the test realm: share the host's typed-array classes with the test realm
//    (jest-environment-node already does so for Uint8Array/ArrayBuffer, for Buffer);
// 2. each test file's copy of onnxruntime-node calls the binding's initOrtOnce again, which aborts the
//    whole process (napi_add_env_cleanup_hook assertion) when two such files share a jest worker: make
//    initOrtOnce run once per process.
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

function patchOrtBindingOnce() {
  const ortDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
  const binding = require(path.join(ortDir, 'bin/napi-v6', process.platform, process.arch, 'onnxruntime_binding.node'));
  if (binding.__maasInitOnce) return;
  const initOrtOnce = binding.initOrtOnce;
  let initialized = false;
  binding.initOrtOnce = function (...args) {
    if (initialized) return undefined;
    initialized = true;
    return initOrtOnce.apply(this, args);
  };
  binding.__maasInitOnce = true;
}

class OrtTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
      this.global[name] = globalThis[name];
    }
    patchOrtBindingOnce();
    // libs/testing's startProcess adds every child it spawns here. A suite whose beforeAll failed half way
    // may never stop what it started (a Redis, a Consul agent): kill those at teardown, so a failed suite
    // cannot leave processes that keep jest from exiting.
    this.global.__maasChildren = this.children = new Set();
  }

  async teardown() {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.children.clear();
    await super.teardown();
  }
}

module.exports = OrtTestEnvironment;
