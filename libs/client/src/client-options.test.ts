import { InvalidArgumentError } from '@maas/errors';
import { DEFAULT_RETRY_POLICY } from '@maas/grpc-kit';
import { compileClientOptions } from './client-options';
import { fromWireParameters, toWireParameters } from './parameters';

describe('compileClientOptions', () => {
  it('fills the defaults: 30 s deadline, the shared retry policy, keepalive, plaintext', () => {
    const o = compileClientOptions({ address: 'localhost:8001' });
    expect(o.timeoutMs).toBe(30_000);
    expect(o.retry).toEqual(DEFAULT_RETRY_POLICY);
    expect(o.channelOptions).toMatchObject({ 'grpc.keepalive_time_ms': 60_000, 'grpc.keepalive_timeout_ms': 10_000, 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    expect(o.credentials._isSecure()).toBe(false);
    expect(o.metadata).toEqual({});
  });

  it('sends the API key as a bearer token and merges extra metadata', () => {
    expect(compileClientOptions({ address: 'h:1', apiKey: 'k1', metadata: { 'x-tenant': 't' } }).metadata).toEqual({ authorization: 'Bearer k1', 'x-tenant': 't' });
  });

  it('builds TLS credentials, with a server name override', () => {
    const o = compileClientOptions({ address: 'h:1', tls: { serverName: 'maas.internal' } });
    expect(o.credentials._isSecure()).toBe(true);
    expect(o.channelOptions['grpc.ssl_target_name_override']).toBe('maas.internal');
    expect(compileClientOptions({ address: 'h:1', tls: true }).credentials._isSecure()).toBe(true);
  });

  it('refuses bad options, naming them', () => {
    expect(() => compileClientOptions({ address: 'nohost' })).toThrow(new InvalidArgumentError('InferenceClient option address: expected host:port, got "nohost"'));
    expect(() => compileClientOptions({ address: 'h:1', timeoutMs: 0 })).toThrow(/option timeoutMs: expected a number >= 1/);
    expect(() => compileClientOptions({ address: 'h:1', retry: { maxAttempts: 0 } })).toThrow(/retry.maxAttempts/);
    expect(() => compileClientOptions({ address: 'h:1', tls: { caFile: '/nonexistent/ca.crt' } })).toThrow(/tls.caFile: cannot read \/nonexistent\/ca.crt/);
    expect(() => compileClientOptions({ address: 'h:1', tls: { cert: 'PEM' } })).toThrow(/needs its key/);
  });
});

describe('parameters', () => {
  it('maps values to InferParameter kinds and back', () => {
    const wire = toWireParameters({ s: 'x', b: true, i: 3, d: 0.5 });
    expect(wire).toEqual({ s: { string_param: 'x' }, b: { bool_param: true }, i: { int64_param: 3 }, d: { double_param: 0.5 } });
    expect(fromWireParameters({ i: { int64_param: '7', parameter_choice: 'int64_param' }, s: { string_param: 'y', bool_param: false, parameter_choice: 'string_param' } })).toEqual({ i: 7, s: 'y' });
    expect(() => toWireParameters({ n: Number.NaN })).toThrow(/parameter n/);
  });
});
