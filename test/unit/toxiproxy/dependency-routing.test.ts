/**
 * A toxic fault that fronts a named dependency of the target and may arrive with a release: the
 * scenario block's rules, and the pure helpers that turn dependency addresses into proxy settings.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/core/errors.js';
import { dependencyUrlVia, upstreamOf } from '../../../harness/faults/toxic-support.js';
import { toxicFaultConfig } from '../../../harness/scenario/schema/faults.js';
import { paymentsUrlForDeploy } from '../../../harness/targets/embedded-dependencies.js';

const toxic = { type: 'latency', attributes: { latency: 400 } };

function problems(input: object): { path: string; message: string }[] {
  return (
    toxicFaultConfig
      .safeParse({ type: 'toxic', toxic, ...input })
      .error?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) ?? []
  );
}

describe('toxic fault config: dependency and release', () => {
  it('takes a dependency instead of proxy.upstream, and a release that comes with the fault', () => {
    const parsed = toxicFaultConfig.parse({
      type: 'toxic',
      dependency: 'payments',
      release: { version: '1.5.0-mesh' },
      proxy: { name: 'demo-payments' },
      toxic,
    });
    expect(parsed).toEqual({
      type: 'toxic',
      dependency: 'payments',
      release: { version: '1.5.0-mesh' },
      proxy: { name: 'demo-payments', listen: '127.0.0.1:0' },
      toxic: { type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 400, jitter: 0 } },
    });
  });

  it('still takes an explicit upstream next to a dependency', () => {
    const parsed = toxicFaultConfig.parse({
      type: 'toxic',
      dependency: 'payments',
      proxy: { name: 'p', upstream: 'payments.internal:443' },
      toxic,
    });
    expect(parsed.proxy.upstream).toBe('payments.internal:443');
  });

  it('needs an upstream or a dependency, and a dependency when a release is given', () => {
    expect(problems({ proxy: { name: 'p' } })).toEqual([
      {
        path: 'proxy.upstream',
        message:
          "expected proxy.upstream (the dependency's host:port), or `dependency:` naming a dependency of the target",
      },
    ]);
    expect(problems({ proxy: { name: 'p', upstream: 'h:1' }, release: { version: '1.5.0-mesh' } })).toEqual([
      {
        path: 'dependency',
        message:
          'a fault that arrives with a release needs `dependency:`, the dependency that release routes through the proxy',
      },
    ]);
  });

  it('refuses bad dependency names and empty or unknown release fields', () => {
    expect(problems({ dependency: 'pay ments', proxy: { name: 'p' } }).map((p) => p.path)).toEqual([
      'dependency',
    ]);
    expect(
      problems({ dependency: 'payments', proxy: { name: 'p' }, release: { version: '' } }).map((p) => p.path),
    ).toEqual(['release.version']);
    expect(
      problems({ dependency: 'payments', proxy: { name: 'p' }, release: { version: '1', tag: 'x' } }).map(
        (p) => p.path,
      ),
    ).toEqual(['release']);
  });
});

describe('dependency addresses', () => {
  it('turns a dependency URL into a proxy upstream, with default ports and IPv6 brackets', () => {
    expect(upstreamOf(new URL('http://127.0.0.1:38135'))).toBe('127.0.0.1:38135');
    expect(upstreamOf(new URL('http://payments.internal'))).toBe('payments.internal:80');
    expect(upstreamOf(new URL('https://payments.internal/v1'))).toBe('payments.internal:443');
    expect(upstreamOf(new URL('http://[::1]:9000'))).toBe('[::1]:9000');
    expect(() => upstreamOf(new URL('ftp://files.internal'))).toThrow(/cannot tell the port/);
  });

  it('builds the URL that reaches a dependency through the proxy, keeping its scheme', () => {
    const endpoint = { proxyName: 'p', listen: '127.0.0.1:4000', host: '127.0.0.1', port: 4000 };
    expect(dependencyUrlVia(endpoint, new URL('http://127.0.0.1:38135')).href).toBe('http://127.0.0.1:4000/');
    expect(dependencyUrlVia(endpoint, undefined).href).toBe('http://127.0.0.1:4000/');
    expect(dependencyUrlVia(endpoint, new URL('https://pay.internal')).href).toBe('https://127.0.0.1:4000/');
    const v6 = { proxyName: 'p', listen: '[::1]:5', host: '::1', port: 5 };
    expect(dependencyUrlVia(v6, undefined).href).toBe('http://[::1]:5/');
  });
});

describe('the embedded target routes payments for a deploy', () => {
  const own = new URL('http://127.0.0.1:1000');
  const proxy = new URL('http://127.0.0.1:2000');

  it('uses dependencies.payments, an explicit paymentsUrl first, and its own address otherwise', () => {
    expect(paymentsUrlForDeploy({}, own)).toBe(own);
    expect(paymentsUrlForDeploy({ dependencies: {} }, own)).toBe(own);
    expect(paymentsUrlForDeploy({ dependencies: { payments: proxy } }, own)).toBe(proxy);
    const explicit = new URL('http://127.0.0.1:3000');
    expect(paymentsUrlForDeploy({ paymentsUrl: explicit, dependencies: { payments: proxy } }, own)).toBe(
      explicit,
    );
  });

  it('refuses a dependency the demo shop does not have, rather than deploying without the fault', () => {
    const deploy = (): URL => paymentsUrlForDeploy({ dependencies: { ledger: proxy } }, own);
    expect(deploy).toThrow(UserError);
    expect(deploy).toThrow('the embedded demo shop has no dependency named ledger; it has: payments');
  });
});
