import { describe, expect, it } from 'vitest';
import { errors } from 'undici';
import { classifyRequestError, classifyStatus } from '../../../harness/traffic/error-class.js';

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe('classifyStatus', () => {
  it('counts 5xx as errors and 2xx-4xx as not', () => {
    expect(classifyStatus(500)).toBe('http_5xx');
    expect(classifyStatus(503)).toBe('http_5xx');
    expect(classifyStatus(404)).toBeUndefined();
    expect(classifyStatus(429)).toBeUndefined();
    expect(classifyStatus(200)).toBeUndefined();
  });
});

describe('classifyRequestError', () => {
  it('maps socket error codes', () => {
    expect(classifyRequestError(systemError('ECONNREFUSED'))).toBe('connection_refused');
    expect(classifyRequestError(systemError('ECONNRESET'))).toBe('connection_reset');
    expect(classifyRequestError(systemError('EPIPE'))).toBe('connection_reset');
    expect(classifyRequestError(systemError('ETIMEDOUT'))).toBe('timeout');
  });

  it('maps undici errors', () => {
    expect(classifyRequestError(new errors.SocketError('other side closed'))).toBe('connection_reset');
    expect(classifyRequestError(new errors.HeadersTimeoutError())).toBe('timeout');
    expect(classifyRequestError(new errors.BodyTimeoutError())).toBe('timeout');
    expect(classifyRequestError(new errors.ConnectTimeoutError())).toBe('timeout');
  });

  it('looks through causes and aggregate errors', () => {
    const wrapped = new Error('fetch failed', { cause: systemError('ECONNREFUSED') });
    expect(classifyRequestError(wrapped)).toBe('connection_refused');
    const aggregate = new AggregateError([new Error('x'), systemError('ECONNREFUSED')], 'all failed');
    expect(classifyRequestError(aggregate)).toBe('connection_refused');
  });

  it('calls anything else other, including non-errors and cause cycles', () => {
    expect(classifyRequestError(new Error('boom'))).toBe('other');
    expect(classifyRequestError('boom')).toBe('other');
    expect(classifyRequestError(undefined)).toBe('other');
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(classifyRequestError(cyclic)).toBe('other');
  });
});
