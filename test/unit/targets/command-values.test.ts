import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/core/errors.js';
import { REDACTED, SecretRedactor } from '../../../harness/core/secrets.js';
import {
  commandEnvironment,
  fillBody,
  fillTemplate,
  resolveValues,
} from '../../../harness/targets/command-values.js';
import { extractVersion, resolveJsonPointer } from '../../../harness/targets/command-probe.js';

const VALUES = { version: '1.5.0', stableVersion: '1.4.2', candidateVersion: '1.5.0' };
const fromEnv = (name: string, extra: Record<string, unknown> = {}) => ({
  fromEnv: name,
  prefix: '',
  secret: true,
  ...extra,
});

describe('resolveValues', () => {
  it('keeps literals, reads fromEnv values with their prefix, and registers secrets for redaction', () => {
    const secrets = new SecretRedactor();
    const resolved = resolveValues(
      {
        NAMESPACE: 'shop',
        TOKEN: fromEnv('DEPLOY_TOKEN'),
        Authorization: fromEnv('DEPLOY_TOKEN', { prefix: 'Bearer ' }),
        REGION: fromEnv('REGION', { secret: false }),
      },
      'target.env',
      { env: { DEPLOY_TOKEN: 's3cr3t-token', REGION: 'eu-west-1' }, secrets },
    );
    expect(resolved).toEqual({
      NAMESPACE: 'shop',
      TOKEN: 's3cr3t-token',
      Authorization: 'Bearer s3cr3t-token',
      REGION: 'eu-west-1',
    });
    expect(secrets.redact('curl -H "Authorization: Bearer s3cr3t-token" in eu-west-1')).toBe(
      `curl -H "Authorization: Bearer ${REDACTED}" in eu-west-1`,
    );
  });

  it('uses the default of an unset variable', () => {
    const resolved = resolveValues({ PORT: fromEnv('SHOP_PORT', { default: '8080', secret: false }) }, 'x', {
      env: {},
      secrets: new SecretRedactor(),
    });
    expect(resolved).toEqual({ PORT: '8080' });
  });

  it('names every missing variable at once, as a user error', () => {
    const attempt = (): unknown =>
      resolveValues({ A: fromEnv('MISSING_A'), B: fromEnv('MISSING_B'), C: 'fine' }, 'target.env', {
        env: {},
        secrets: new SecretRedactor(),
      });
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(/target\.env\.A: environment variable MISSING_A is not set[\s\S]*MISSING_B/);
  });
});

describe('templates', () => {
  it('fills the known placeholders, with or without inner spaces', () => {
    expect(fillTemplate('shop={{version}} from {{ stableVersion }} ({{candidateVersion}})', VALUES)).toBe(
      'shop=1.5.0 from 1.4.2 (1.5.0)',
    );
  });

  it('sends a string body as is and anything else as JSON, templated leaf by leaf', () => {
    expect(fillBody('v={{version}}', VALUES)).toEqual({ text: 'v=1.5.0' });
    expect(fillBody({ version: '{{version}}', keep: [1, '{{stableVersion}}'], n: 3 }, VALUES)).toEqual({
      text: '{"version":"1.5.0","keep":[1,"1.4.2"],"n":3}',
      contentType: 'application/json',
    });
    expect(fillBody(undefined, VALUES)).toBeUndefined();
  });

  it('gives commands the harness environment, the layers in order, and the drill facts', () => {
    const env = commandEnvironment(
      [{ A: 'target', B: 'target' }, { B: 'step' }],
      { action: 'deploy', values: VALUES, runId: 'run-1' },
      { PATH: '/usr/bin', A: 'harness', UNSET: undefined },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      A: 'target',
      B: 'step',
      ROLLBACK_DRILL_ACTION: 'deploy',
      ROLLBACK_DRILL_VERSION: '1.5.0',
      ROLLBACK_DRILL_STABLE_VERSION: '1.4.2',
      ROLLBACK_DRILL_CANDIDATE_VERSION: '1.5.0',
      ROLLBACK_DRILL_RUN_ID: 'run-1',
    });
  });
});

describe('reading the version out of an answer', () => {
  it('follows a JSON pointer (RFC 6901), numbers included', () => {
    const body = JSON.stringify({ status: { image: { tag: 'v2' } }, 'a/b': { '~c': 7 }, list: ['x', 'y'] });
    expect(extractVersion(body, { jsonPointer: '/status/image/tag' })).toBe('v2');
    expect(extractVersion(body, { jsonPointer: '/a~1b/~0c' })).toBe('7');
    expect(extractVersion(body, { jsonPointer: '/list/1' })).toBe('y');
    expect(extractVersion(body, { jsonPointer: '/list/01' })).toBeUndefined();
    expect(extractVersion(body, { jsonPointer: '/nope' })).toBeUndefined();
    expect(extractVersion('not json', { jsonPointer: '/version' })).toBeUndefined();
    expect(resolveJsonPointer({ a: 1 }, '')).toEqual({ a: 1 });
  });

  it('takes capture group 1 of a regex, or the whole match', () => {
    const text = 'deployment shop image registry/shop:1.5.0-errors ready';
    expect(extractVersion(text, { regex: 'shop:([\\w.-]+)' })).toBe('1.5.0-errors');
    expect(extractVersion(text, { regex: '\\d+\\.\\d+\\.\\d+' })).toBe('1.5.0');
    expect(extractVersion(text, { regex: 'absent(\\d)' })).toBeUndefined();
  });

  it('takes plain text trimmed, but not several lines', () => {
    expect(extractVersion('  1.4.2\n', {})).toBe('1.4.2');
    expect(extractVersion('error:\nsomething', {})).toBeUndefined();
    expect(extractVersion('   ', {})).toBeUndefined();
  });
});
