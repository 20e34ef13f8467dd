/**
 * Toxiproxy's HTTP API over a ProxyCollection — a thin layer, as in Toxiproxy: the route table below
 * is the API. Status codes, bodies and defaults follow Toxiproxy 2.12. Deliberate differences, all on error
 * paths: every error body is JSON with an `application/json` type (Toxiproxy sends its JSON as
 * text/plain, and its 403/404/405 as plain text), and bodies over 1 MiB are refused with a 413.
 * Nothing a client sends can crash the server: every failure becomes a JSON error response.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApiError, badRequestBody } from './api-error.js';
import {
  MAX_BODY_BYTES,
  errorReply,
  jsonReply,
  noContent,
  readBody,
  sendReply,
  type Reply,
} from './http-io.js';
import { JsonTypeError, parseJsonBody } from './json-decode.js';
import type { ProxyCollection } from './proxy-collection.js';
import { decodePopulate, decodeProxyCreate, decodeProxyUpdate } from './proxy-input.js';
import type { ProxyJson } from './proxy.js';
import { createRequestIdSource } from './request-id.js';

export const TOXIPROXY_VERSION = '2.12.0';
export { MAX_BODY_BYTES };

interface RequestContext {
  readonly proxies: ProxyCollection;
  readonly params: Readonly<Record<string, string>>;
  /** The body parsed as JSON; throws `bad request body` when it is not. Read lazily, after lookups. */
  readonly body: () => unknown;
}

type Handler = (context: RequestContext) => Reply | Promise<Reply>;

interface Route {
  /** Path segments; `{name}` matches one non-empty segment. */
  readonly path: readonly string[];
  readonly methods: Readonly<Record<string, Handler>>;
}

const proxyParam = (context: RequestContext): string => context.params['proxy'] ?? '';
const toxicParam = (context: RequestContext): string => context.params['toxic'] ?? '';

const updateProxy: Handler = async (context) => {
  const proxy = await context.proxies.update(proxyParam(context), (current) =>
    decodeProxyUpdate(context.body(), current),
  );
  return jsonReply(200, proxy.toJSON());
};

const updateToxic: Handler = (context) =>
  context.proxies.exclusive(() => {
    const proxy = context.proxies.get(proxyParam(context));
    return jsonReply(200, proxy.toxics.update(toxicParam(context), context.body));
  });

const routes: readonly Route[] = [
  { path: ['reset'], methods: { POST: async ({ proxies }) => (await proxies.reset(), noContent()) } },
  {
    path: ['proxies'],
    methods: {
      GET: ({ proxies }) => {
        // Go's encoding/json writes map keys sorted.
        const sorted = proxies.list().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return jsonReply(200, Object.fromEntries(sorted.map((proxy) => [proxy.name, proxy.toJSON()])));
      },
      POST: async ({ proxies, body }) =>
        jsonReply(201, (await proxies.add(decodeProxyCreate(body()))).toJSON()),
    },
  },
  { path: ['populate'], methods: { POST: populate } },
  {
    path: ['proxies', '{proxy}'],
    methods: {
      GET: (context) => jsonReply(200, context.proxies.get(proxyParam(context)).toJSON()),
      POST: updateProxy,
      PATCH: updateProxy,
      DELETE: async (context) => (await context.proxies.remove(proxyParam(context)), noContent()),
    },
  },
  {
    path: ['proxies', '{proxy}', 'toxics'],
    methods: {
      GET: (context) => jsonReply(200, context.proxies.get(proxyParam(context)).toxics.list()),
      POST: (context) =>
        context.proxies.exclusive(() =>
          jsonReply(200, context.proxies.get(proxyParam(context)).toxics.add(context.body())),
        ),
    },
  },
  {
    path: ['proxies', '{proxy}', 'toxics', '{toxic}'],
    methods: {
      GET: (context) => {
        const toxic = context.proxies.get(proxyParam(context)).toxics.get(toxicParam(context));
        if (!toxic) throw new ApiError('toxic not found', 404);
        return jsonReply(200, toxic);
      },
      POST: updateToxic,
      PATCH: updateToxic,
      DELETE: (context) =>
        context.proxies.exclusive(() => {
          context.proxies.get(proxyParam(context)).toxics.remove(toxicParam(context));
          return noContent();
        }),
    },
  },
  {
    path: ['version'],
    methods: {
      GET: () => ({
        status: 200,
        text: `{"version": "${TOXIPROXY_VERSION}"}\n`,
        contentType: 'application/json;charset=utf-8',
      }),
    },
  },
];

/** POST /populate: every answer, error or not, carries `proxies` (null when none), as in Toxiproxy. */
async function populate(context: RequestContext): Promise<Reply> {
  let inputs;
  try {
    inputs = decodePopulate(context.body());
  } catch (error) {
    if (error instanceof ApiError) throw new ApiError(error.message, error.status, { proxies: null });
    throw error;
  }
  const result = await context.proxies.populate(inputs);
  const proxies = listOrNull(result.proxies.map((proxy) => proxy.toJSON()));
  if (result.error) throw new ApiError(result.error.message, result.error.status, { proxies });
  return jsonReply(201, { proxies });
}

function listOrNull(list: ProxyJson[]): ProxyJson[] | null {
  return list.length > 0 ? list : null; // Go marshals an empty (nil) slice as null
}

interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function matchRoute(segments: readonly string[]): RouteMatch | undefined {
  for (const route of routes) {
    if (route.path.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.path.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = segment;
        return segment.length > 0;
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

function pathSegments(url: string | undefined): string[] {
  const path = (url ?? '/').split('?')[0] ?? '/';
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new ApiError('bad request: invalid URL escape', 400);
  }
}

async function route(request: IncomingMessage, proxies: ProxyCollection): Promise<Reply> {
  if ((request.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    // Browsers are refused so a web page cannot drive the proxy (CSRF guard).
    throw new ApiError('User agent not allowed', 403);
  }
  const match = matchRoute(pathSegments(request.url));
  if (!match) throw new ApiError('404 page not found', 404);
  const handler = match.route.methods[request.method ?? ''];
  if (!handler) {
    const allow = Object.keys(match.route.methods).join(', ');
    return errorReply(new ApiError('405 method not allowed', 405), { Allow: allow });
  }
  const bodyText = request.method === 'POST' || request.method === 'PATCH' ? await readBody(request) : '';
  const body = (): unknown => {
    try {
      return parseJsonBody(bodyText);
    } catch (error) {
      if (error instanceof JsonTypeError) throw badRequestBody(error.message);
      throw error;
    }
  };
  return handler({ proxies, params: match.params, body });
}

/** The request listener for node:http; answers every request, whatever happens. */
export function createApiHandler(proxies: ProxyCollection): RequestListener {
  const nextRequestId = createRequestIdSource();
  return (request: IncomingMessage, response: ServerResponse) => {
    const requestId = nextRequestId();
    route(request, proxies)
      .then((reply) => sendReply(response, requestId, reply))
      .catch((error: unknown) => {
        const apiError =
          error instanceof ApiError
            ? error
            : new ApiError(error instanceof Error ? error.message : String(error), 500);
        // A refused body is not read to the end; close the connection rather than drain it.
        const headers = apiError.status === 413 ? { Connection: 'close' } : undefined;
        sendReply(response, requestId, errorReply(apiError, headers));
      })
      .catch(() => response.destroy());
  };
}
