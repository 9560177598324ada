export { ocrClassifierPath, ocrRecognizerPath, ocrKeysPath, OCR_CLS_LABELS, OCR_CLS_PIPELINE, sileroVadPath, writeOcrClassifierBundle } from './real-models';
export { identityModel, mlpModel, mlpReference, MLP, noBatchModel, poisonModel, POISON_TABLE_SIZE, slowModel } from './fixtures';
export { FIXTURE_NAMES, fixtureBytes, writeModelFile, writeAllFixtures, type FixtureName } from './write';
export { buildModel, fixedWeights, type ValueSpec, type NodeSpec, type InitializerSpec, type FixtureElementType } from './onnx-builder';
