/** The scenario's `toxic` fault block and the adapter's pure helpers. */
import { describe, expect, it } from 'vitest';
import { describeToxic, httpStatusOf, proxyEndpointOf } from '../../../harness/faults/toxic-support.js';
import { faultConfig, toxicFaultConfig } from '../../../harness/scenario/schema/faults.js';

const base = { type: 'toxic', proxy: { name: 'payments', upstream: '127.0.0.1:9000' } };

describe('toxic fault config', () => {
  it('fills in Toxiproxy defaults: listen 127.0.0.1:0, downstream, toxicity 1, jitter 0', () => {
    const parsed = toxicFaultConfig.parse({
      ...base,
      toxic: { type: 'latency', attributes: { latency: 500 } },
    });
    expect(parsed).toEqual({
      type: 'toxic',
      proxy: { name: 'payments', listen: '127.0.0.1:0', upstream: '127.0.0.1:9000' },
      toxic: { type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 500, jitter: 0 } },
    });
  });

  it('accepts every toxic type with its attributes and a percentage toxicity', () => {
    const toxics = [
      { type: 'bandwidth', attributes: { rate: 100 } },
      { type: 'slow_close', attributes: { delay: 100 } },
      { type: 'timeout', attributes: { timeout: 0 } },
      { type: 'reset_peer' },
      { type: 'slicer', attributes: { average_size: 64, size_variation: 8, delay: 100 } },
      { type: 'limit_data', attributes: { bytes: 1024 } },
      { type: 'noop' },
    ];
    for (const toxic of toxics) {
      const parsed = faultConfig.parse({ ...base, toxic: { ...toxic, stream: 'upstream', toxicity: '25%' } });
      expect(parsed).toMatchObject({
        type: 'toxic',
        toxic: { type: toxic.type, stream: 'upstream', toxicity: 0.25 },
      });
    }
  });

  it('refuses attribute typos, fractions, unknown types, bad addresses and non-http URLs', () => {
    const problems = (input: object) =>
      toxicFaultConfig.safeParse({ ...base, ...input }).error?.issues.map((issue) => issue.path.join('.')) ??
      [];
    expect(problems({ toxic: { type: 'latency', attributes: { latancy: 5 } } })).toEqual([
      'toxic.attributes.latency',
      'toxic.attributes',
    ]);
    expect(problems({ toxic: { type: 'latency', attributes: { latency: 1.5 } } })).toEqual([
      'toxic.attributes.latency',
    ]);
    expect(problems({ toxic: { type: 'down' } })).toEqual(['toxic.type']);
    expect(problems({ proxy: { name: 'p', upstream: 'no-port' }, toxic: { type: 'noop' } })).toEqual([
      'proxy.upstream',
    ]);
    expect(problems({ proxy: { name: 'a/b', upstream: 'h:1' }, toxic: { type: 'noop' } })).toEqual([
      'proxy.name',
    ]);
    expect(problems({ toxic: { type: 'noop' }, toxiproxy: { url: 'ftp://x:8474' } })).toEqual([
      'toxiproxy.url',
    ]);
  });
});

describe('toxic fault helpers', () => {
  it('reads the status from toxiproxy-node-client errors', () => {
    expect(httpStatusOf(new Error('Request failed with status code 404'))).toBe(404);
    expect(httpStatusOf(new Error('fetch failed'))).toBeUndefined();
    expect(httpStatusOf('nope')).toBeUndefined();
  });

  it('dials an all-interfaces listen on the API host, and a specific one as it is', () => {
    expect(proxyEndpointOf('p', '127.0.0.1:4000', undefined)).toEqual({
      proxyName: 'p',
      listen: '127.0.0.1:4000',
      host: '127.0.0.1',
      port: 4000,
    });
    expect(proxyEndpointOf('p', '[::]:26379', 'http://toxiproxy.staging:8474').host).toBe(
      'toxiproxy.staging',
    );
    expect(proxyEndpointOf('p', '0.0.0.0:1', 'http://[::1]:8474').host).toBe('::1');
    expect(proxyEndpointOf('p', '[::1]:5', undefined)).toMatchObject({ host: '::1', port: 5 });
  });

  it('describes each toxic in a line', () => {
    const describe = (toxic: object) =>
      describeToxic(toxicFaultConfig.parse({ ...base, toxic }).toxic, 'payments');
    expect(describe({ type: 'latency', attributes: { latency: 300 } })).toBe(
      'latency +300ms on payments (downstream)',
    );
    expect(describe({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 10 } })).toBe(
      'bandwidth limited to 10 KB/s on payments (upstream)',
    );
    expect(describe({ type: 'timeout', toxicity: 0.5, attributes: { timeout: 0 } })).toBe(
      'timeout: data dropped, connections hang on payments (downstream, 50% of connections)',
    );
    expect(describe({ type: 'reset_peer' })).toBe(
      'connections reset (TCP RST) after 0ms on payments (downstream)',
    );
  });
});
