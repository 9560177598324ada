/**
 * The smallest ONNX model the CUDA probe can create a session from: Identity, x float32[batch, 1] → y (117
 * bytes, what @maas/models' identityModel({ features: 1 }) writes). Inlined so the worker needs no test-fixture
 * package at run time.
 */
const PROBE_MODEL_BASE64 =
  'CAcSC21hYXMtbW9kZWxzMgA6XAocCgF4EgF5GgppZGVudGl0eV8wIghJZGVudGl0eRIIaWRlbnRpdHlaGAoBeBITChEIARINCgcSBWJhdGNoCgIIAWIYCgF5EhMKEQgBEg0KBxIFYmF0Y2gKAggBQgQKABAN';

/** The probe model's bytes. */
export function cudaProbeModel(): Uint8Array {
  return Buffer.from(PROBE_MODEL_BASE64, 'base64');
}
