import { Metadata, status } from '@grpc/grpc-js';
import {
  InvalidArgumentError,
  NotFoundError,
  fromServiceError,
  isRetryable,
  toGrpcStatus,
  UnavailableError,
} from './index';

describe('errors', () => {
  it('keeps the class name, message and cause', () => {
    const cause = new Error('disk full');
    const err = new UnavailableError('registry down', { cause });
    expect(err.name).toBe('UnavailableError');
    expect(err.cause).toBe(cause);
    expect(err.code).toBe(status.UNAVAILABLE);
  });

  it('maps named errors, peer errors and unknown throws to a status', () => {
    expect(toGrpcStatus(new NotFoundError('model "x" not found')).code).toBe(status.NOT_FOUND);
    const peer = Object.assign(new Error('x'), { code: status.INVALID_ARGUMENT, details: 'bad', metadata: new Metadata() });
    expect(toGrpcStatus(peer)).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'bad' });
    expect(toGrpcStatus('boom')).toMatchObject({ code: status.INTERNAL, details: 'internal error: boom' });
  });

  it('round-trips a peer error into the named class', () => {
    const peer = Object.assign(new Error('x'), { code: status.INVALID_ARGUMENT, details: 'input "x": bad', metadata: new Metadata() });
    const err = fromServiceError(peer);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe('input "x": bad');
  });

  it('has one retry table', () => {
    expect(isRetryable(status.UNAVAILABLE)).toBe(true);
    expect(isRetryable(status.RESOURCE_EXHAUSTED)).toBe(true);
    expect(isRetryable(status.INVALID_ARGUMENT)).toBe(false);
    expect(isRetryable(status.DEADLINE_EXCEEDED)).toBe(false);
  });
});
