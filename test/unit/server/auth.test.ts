/** Token sources, the loopback rule for --insecure-no-auth, and the constant-time comparison. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopbackHost, resolveServeAuth, tokenMatches, TOKEN_ENV } from '../../../harness/server/auth.js';

const dir = mkdtempSync(join(tmpdir(), 'serve-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'a-long-enough-token-0123456789';

describe('tokenMatches', () => {
  it('accepts exactly the token and nothing else, whatever the length', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.toUpperCase(), TOKEN)).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('resolveServeAuth', () => {
  const base = { env: {}, insecureNoAuth: false, host: '127.0.0.1' };

  it('reads the token from the env variable', async () => {
    const { auth } = await resolveServeAuth({ ...base, env: { [TOKEN_ENV]: ` ${TOKEN}\n` } });
    expect(auth).toEqual({ mode: 'token', token: TOKEN });
  });

  it('prefers --token-file over the env variable and warns when the file is readable by others', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}-from-file\n`);
    chmodSync(file, 0o644);
    const open = await resolveServeAuth({ ...base, tokenFile: file, env: { [TOKEN_ENV]: TOKEN } });
    expect(open.auth).toEqual({ mode: 'token', token: `${TOKEN}-from-file` });
    expect(open.warnings.join()).toMatch(/can be read by other users \(mode 644\)/);
    chmodSync(file, 0o600);
    expect((await resolveServeAuth({ ...base, tokenFile: file })).warnings).toEqual([]);
  });

  it('refuses to start without a token, with a short token, or with an unreadable token file', async () => {
    await expect(resolveServeAuth(base)).rejects.toThrow(
      /no API token: set ROLLBACK_DRILL_TOKEN or pass --token-file/,
    );
    await expect(resolveServeAuth({ ...base, env: { [TOKEN_ENV]: 'short' } })).rejects.toThrow(
      /5 characters long; use at least 16/,
    );
    await expect(resolveServeAuth({ ...base, env: { [TOKEN_ENV]: '' } })).rejects.toThrow(
      /0 characters long/,
    );
    await expect(resolveServeAuth({ ...base, tokenFile: join(dir, 'missing') })).rejects.toThrow(
      /cannot read the token file/,
    );
  });

  it('allows --insecure-no-auth on loopback only, and not together with a token', async () => {
    const open = await resolveServeAuth({ ...base, insecureNoAuth: true });
    expect(open.auth).toEqual({ mode: 'none' });
    expect(open.warnings.join()).toMatch(/anyone who can reach this port/);
    await expect(resolveServeAuth({ ...base, insecureNoAuth: true, host: '0.0.0.0' })).rejects.toThrow(
      /only allowed on a loopback address/,
    );
    await expect(
      resolveServeAuth({ ...base, insecureNoAuth: true, env: { [TOKEN_ENV]: TOKEN } }),
    ).rejects.toThrow(/choose one/);
  });
});
