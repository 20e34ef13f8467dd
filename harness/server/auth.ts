/**
 * Bearer-token auth for the serve API. Every request that can change something (any method but
 * GET, HEAD and OPTIONS) needs `Authorization: Bearer <token>`; reads are open, on the reasoning
 * that the daemon binds to loopback by default and its reads are what /metrics already publishes.
 *
 * Tokens are compared in constant time: both sides are hashed to SHA-256 first, so
 * crypto.timingSafeEqual always compares 32 equal-length bytes and neither the token's content nor
 * its length leaks through response timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { NextFunction, Request, Response } from 'express';
import { UserError } from '../core/errors.js';

/** Env variable the token is read from when no --token-file is given. */
export const TOKEN_ENV = 'ROLLBACK_DRILL_TOKEN';
/** Short tokens can be guessed online; 16 characters of a random token is ~96 bits. */
export const MIN_TOKEN_LENGTH = 16;

export type ServeAuth =
  | { readonly mode: 'token'; readonly token: string }
  | { readonly mode: 'none' /* --insecure-no-auth, loopback only */ };

export interface TokenSources {
  readonly tokenFile?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly insecureNoAuth: boolean;
  readonly host: string;
}

export interface ResolvedAuth {
  readonly auth: ServeAuth;
  /** Things the operator should know (a token file others can read). */
  readonly warnings: readonly string[];
}

/** --token-file wins over the env variable; neither and no --insecure-no-auth refuses to start. */
export async function resolveServeAuth(sources: TokenSources): Promise<ResolvedAuth> {
  const warnings: string[] = [];
  let token: string | undefined;
  let from = '';
  if (sources.tokenFile !== undefined) {
    try {
      token = (await readFile(sources.tokenFile, 'utf8')).trim();
      const mode = (await stat(sources.tokenFile)).mode;
      if (mode & 0o077)
        warnings.push(
          `token file ${sources.tokenFile} can be read by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
        );
    } catch (error) {
      throw new UserError(
        `cannot read the token file ${sources.tokenFile}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    from = `the token file ${sources.tokenFile}`;
  } else if (sources.env[TOKEN_ENV] !== undefined) {
    token = (sources.env[TOKEN_ENV] ?? '').trim();
    from = `${TOKEN_ENV}`;
  }

  if (token !== undefined) {
    if (sources.insecureNoAuth)
      throw new UserError('--insecure-no-auth was given together with a token: choose one');
    if (token.length < MIN_TOKEN_LENGTH)
      throw new UserError(
        `the token from ${from} is ${token.length} characters long; use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 24)`,
      );
    return { auth: { mode: 'token', token }, warnings };
  }
  if (!sources.insecureNoAuth)
    throw new UserError(
      `no API token: set ${TOKEN_ENV} or pass --token-file FILE (or, on loopback only, --insecure-no-auth)`,
    );
  if (!isLoopbackHost(sources.host))
    throw new UserError(
      `--insecure-no-auth is only allowed on a loopback address (127.0.0.1, ::1, localhost), not ${sources.host}`,
    );
  warnings.push('--insecure-no-auth: anyone who can reach this port can start and abort drills');
  return { auth: { mode: 'none' }, warnings };
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time: equal-length digests, compared with timingSafeEqual. */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Express middleware: 401 JSON for a mutating request without the right bearer token. */
export function requireTokenForMutations(auth: ServeAuth) {
  const expected = auth.mode === 'token' ? auth.token : undefined;
  return (request: Request, response: Response, next: NextFunction): void => {
    if (expected === undefined || READ_METHODS.has(request.method)) {
      next();
      return;
    }
    const header = request.get('authorization') ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match?.[1] !== undefined && tokenMatches(match[1], expected)) {
      next();
      return;
    }
    response
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="rollback-drill"')
      .json({
        error: match ? 'the bearer token is not valid' : 'this request needs Authorization: Bearer <token>',
      });
  };
}

/**
 * Browser-borne requests. A web page can make a browser send requests to a loopback daemon, and a
 * DNS-rebinding page can even make them look same-origin. So: with --insecure-no-auth every
 * request must name a loopback Host; and a mutating request carrying an Origin (browsers add it,
 * curl and scripts do not) must come from the daemon's own origin.
 */
export function refuseForeignBrowsers(auth: ServeAuth) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const host = request.get('host') ?? '';
    if (auth.mode === 'none' && !isLoopbackHost(hostnameOf(host))) {
      response.status(403).json({
        error: `Host "${host}" is not a loopback name; without a token only loopback hosts are served`,
      });
      return;
    }
    const origin = request.get('origin');
    if (origin !== undefined && !READ_METHODS.has(request.method) && !sameHost(origin, host)) {
      response.status(403).json({ error: `cross-origin request from ${origin} refused` });
      return;
    }
    next();
  };
}

/** "127.0.0.1:8080" → "127.0.0.1", "[::1]:8080" → "::1". */
function hostnameOf(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(hostHeader);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  return hostHeader.replace(/:\d+$/, '');
}

function sameHost(origin: string, hostHeader: string): boolean {
  try {
    return new URL(origin).host === hostHeader.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}
