import { areaOf, formatProfileSummary, summarizeProfile, type CpuProfile } from './profile-summary';

describe('CPU profile summary', () => {
  it('puts a script in its area', () => {
    expect(areaOf('file:///r/node_modules/.pnpm/@grpc+grpc-js@1.14.3/node_modules/@grpc/grpc-js/build/src/server.js', 'f')).toBe('@grpc/grpc-js');
    expect(areaOf('file:///r/node_modules/.pnpm/ioredis@5/node_modules/ioredis/built/Redis.js', 'f')).toBe('ioredis');
    expect(areaOf('file:///r/services/gateway/dist/infer.js', 'f')).toBe('maas services/gateway');
    expect(areaOf('node:internal/streams/readable', 'f')).toBe('node:internal');
    expect(areaOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(areaOf('', 'writev')).toBe('(native)');
  });

  it('adds up self time per function and per area from samples and time deltas', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 4] },
        { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 3, callFrame: { functionName: 'encode', url: 'file:///r/libs/queue/dist/codec.js', lineNumber: 9 } },
        { id: 4, callFrame: { functionName: 'write', url: 'file:///r/node_modules/ioredis/built/Redis.js', lineNumber: 0 } },
      ],
      samples: [2, 3, 3, 4, 2],
      timeDeltas: [1000, 2000, 2000, 1000, 4000],
    };
    const s = summarizeProfile(profile, 10);
    expect(s.totalMs).toBe(10);
    expect(s.idleMs).toBe(5);
    expect(s.byArea[0]).toEqual({ name: '(idle)', selfMs: 5 });
    expect(s.byFunction.find((f) => f.name.startsWith('encode'))).toEqual({ name: 'encode codec.js:10 [maas libs/queue]', selfMs: 4 });
    const text = formatProfileSummary('gateway', s);
    expect(text).toContain('0.0 s busy (50%)');
    expect(text).toMatch(/80\.0%\s+0\.00 s {2}maas libs\/queue/);
    expect(text).not.toContain('(idle)');
  });
});
