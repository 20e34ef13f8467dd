/** Addresses and request bodies read the way Toxiproxy's Go code reads them. */
import { describe, expect, it } from 'vitest';
import { AddressError, joinHostPort, splitHostPort } from '../../../harness/toxiproxy/address.js';
import { ApiError } from '../../../harness/toxiproxy/api-error.js';
import {
  JsonTypeError,
  integerField,
  parseJsonBody,
  stringField,
} from '../../../harness/toxiproxy/json-decode.js';
import {
  decodePopulate,
  decodeProxyCreate,
  decodeProxyUpdate,
} from '../../../harness/toxiproxy/proxy-input.js';
import { ToxicCollection } from '../../../harness/toxiproxy/toxic-collection.js';
import { createRequestIdSource } from '../../../harness/toxiproxy/request-id.js';

describe('addresses', () => {
  it('splits host:port like net.SplitHostPort', () => {
    expect(splitHostPort('127.0.0.1:8474')).toEqual({ host: '127.0.0.1', port: 8474 });
    expect(splitHostPort(':0')).toEqual({ host: '', port: 0 });
    expect(splitHostPort('[::1]:22')).toEqual({ host: '::1', port: 22 });
    expect(splitHostPort('localhost:65535')).toEqual({ host: 'localhost', port: 65535 });
  });

  it.each([
    ['abc', 'address abc: missing port in address'],
    ['::1:5', 'address ::1:5: too many colons in address'],
    ['h:99999', 'address 99999: invalid port'],
    ['h:', 'address : invalid port'],
    ['[::1', "address [::1: missing ']' in address"],
  ])('refuses %j: %s', (address, message) => {
    expect(() => splitHostPort(address)).toThrow(new AddressError(message));
  });

  it('prints IPv6 hosts in brackets', () => {
    expect(joinHostPort('::', 80)).toBe('[::]:80');
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
  });
});

describe('JSON decoding', () => {
  it("reports an empty body as Go's EOF and malformed JSON as a type error", () => {
    expect(() => parseJsonBody('  ')).toThrow(new JsonTypeError('EOF'));
    expect(() => parseJsonBody('{')).toThrow(JsonTypeError);
  });

  it('names the field and Go type on a type mismatch; null leaves a field unset', () => {
    expect(() => stringField({ name: 3 }, 'name', 'Proxy.name')).toThrow(
      'json: cannot unmarshal number 3 into Go struct field Proxy.name of type string',
    );
    expect(stringField({ name: null }, 'name', 'Proxy.name')).toBeUndefined();
    expect(() => integerField({ latency: 2.5 }, 'latency', 'L.latency', 'int64')).toThrow(
      /number 2.5 .* int64/,
    );
    expect(() => integerField({ latency: 2 ** 64 }, 'latency', 'L.latency', 'int64')).toThrow(JsonTypeError);
    expect(integerField({ latency: -5 }, 'latency', 'L.latency', 'int64')).toBe(-5);
  });
});

describe('proxy bodies', () => {
  it('defaults enabled to true and listen to empty; requires name and upstream', () => {
    expect(decodeProxyCreate({ name: 'a', upstream: 'b:1', toxics: 'ignored' })).toEqual({
      name: 'a',
      listen: '',
      upstream: 'b:1',
      enabled: true,
    });
    expect(() => decodeProxyCreate({ upstream: 'b:1' })).toThrow(
      new ApiError('missing required field: name', 400),
    );
    expect(() => decodeProxyCreate(null)).toThrow('missing required field: name');
  });

  it('merges an update over the current settings', () => {
    const current = { listen: '127.0.0.1:5', upstream: 'u:1', enabled: true };
    expect(decodeProxyUpdate({ enabled: false, name: 'x' }, current)).toEqual({ ...current, enabled: false });
    expect(decodeProxyUpdate(null, current)).toEqual(current);
  });

  it('validates every populate entry first and treats null as no entries', () => {
    expect(decodePopulate(null)).toEqual([]);
    expect(() => decodePopulate([{ name: 'a', upstream: 'b:1' }, { name: 'c' }])).toThrow(
      'missing required field: upstream at proxy 2',
    );
    expect(() => decodePopulate({})).toThrow(/^bad request body: json: cannot unmarshal object/);
  });
});

describe('toxic collection', () => {
  it('orders the list upstream first and renames nothing on update', () => {
    const toxics = new ToxicCollection();
    toxics.add({ type: 'latency' });
    toxics.add({ type: 'latency', stream: 'upstream' });
    toxics.update('latency_downstream', () => ({ attributes: { latency: 3 } }));
    expect(toxics.list().map((t) => [t.name, t.attributes])).toEqual([
      ['latency_upstream', { latency: 0, jitter: 0 }],
      ['latency_downstream', { latency: 3, jitter: 0 }],
    ]);
  });

  it('does not read an update body for an unknown toxic', () => {
    const toxics = new ToxicCollection();
    expect(() =>
      toxics.update('missing', () => {
        throw new Error('body read');
      }),
    ).toThrow('toxic not found');
  });

  it('accepts the stream in any case, and keeps it as sent', () => {
    const toxics = new ToxicCollection();
    expect(toxics.add({ type: 'noop', stream: 'UpStream' })).toMatchObject({
      name: 'noop_UpStream',
      stream: 'UpStream',
    });
    expect(toxics.chain('upstream')).toHaveLength(1);
  });
});

describe('request ids', () => {
  it('are 20 base32hex characters, unique and time-ordered', () => {
    let now = 1_700_000_000_000;
    const next = createRequestIdSource(() => now);
    const first = next();
    now += 5_000;
    const second = next();
    expect(first).toMatch(/^[0-9a-v]{20}$/);
    expect(second > first).toBe(true);
  });
});
