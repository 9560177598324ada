import { identityModel } from '@maas/models';
import { cudaProbeModel } from './cuda-probe-model';

describe('cudaProbeModel', () => {
  it('is the identity fixture with one feature, byte for byte', () => {
    expect(Buffer.from(cudaProbeModel())).toEqual(Buffer.from(identityModel({ features: 1 })));
  });
});
