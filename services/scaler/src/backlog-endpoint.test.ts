import { silentLogger } from '@maas/logging';
import { BacklogEndpoint } from './backlog-endpoint';
import type { PoolQueueSample } from './queue-signals';

/** The endpoint's answers over a queue source that returns fixed samples (the source is tested against real Redis). */
describe('backlog endpoint (KEDA metrics-api)', () => {
  const sample = (waiting: number, inFlight: number, streams: number): PoolQueueSample => ({ nowMs: 1, waiting, inFlight, oldestWaitingAgeMs: 1234.4, entriesRead: new Map(), streams });
  let failing = false;
  const asked: string[][] = [];
  const endpoint = new BacklogEndpoint({
    pools: new Map([
      ['gpu', ['ocr', 'det']],
      ['cpu', ['*']],
    ]),
    queue: {
      read: async (models) => {
        asked.push([...models]);
        if (failing) throw new Error('connect ECONNREFUSED');
        return sample(7, 3, 2);
      },
    },
    logger: silentLogger(),
  });

  it('answers a pool with waiting + in flight as "backlog", read over all its models', async () => {
    expect(await endpoint.handle('GET', '/keda/pools/gpu')).toEqual({
      status: 200,
      body: { pool: 'gpu', backlog: 10, waiting: 7, inFlight: 3, oldestWaitingAgeSeconds: 1.234, streams: 2 },
    });
    expect(asked.at(-1)).toEqual(['ocr', 'det']);
    expect((await endpoint.handle('GET', '/keda/pools/cpu?x=1')).status).toBe(200);
  });

  it('lists the pools, and names them when one is unknown', async () => {
    expect(await endpoint.handle('GET', '/keda/pools')).toEqual({ status: 200, body: { pools: ['cpu', 'gpu'] } });
    expect(await endpoint.handle('GET', '/keda/pools/tpu')).toEqual({ status: 404, body: { error: 'unknown pool "tpu"; known: cpu, gpu' } });
    expect((await endpoint.handle('GET', '/metrics')).status).toBe(404);
    expect((await endpoint.handle('POST', '/keda/pools/gpu')).status).toBe(405);
  });

  it('answers 503, never a zero, when Redis cannot be read (KEDA must not scale a busy pool to zero)', async () => {
    failing = true;
    const res = await endpoint.handle('GET', '/keda/pools/gpu');
    failing = false;
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'cannot read the backlog of pool "gpu" from Redis: connect ECONNREFUSED' });
  });

  it('serves the same answers over HTTP as JSON', async () => {
    const port = await endpoint.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${port}/keda/pools/gpu`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toMatchObject({ pool: 'gpu', backlog: 10 });
    } finally {
      await endpoint.close();
    }
  });
});
