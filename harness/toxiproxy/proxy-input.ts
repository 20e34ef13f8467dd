/**
 * Reading proxy bodies (create, update, populate) with Toxiproxy's defaults and errors: `enabled`
 * defaults to true, `name` in an update and `toxics` anywhere are ignored, missing name or upstream is
 * `missing required field: <field>`, and a wrong JSON type is `bad request body: ...`.
 */
import { badRequestBody, missingField } from './api-error.js';
import {
  JsonTypeError,
  boolField,
  expectObject,
  jsonKind,
  stringField,
  type JsonObject,
} from './json-decode.js';
import { checkPopulateInputs, type ProxyInput } from './proxy-collection.js';
import type { ProxySettings } from './proxy.js';

function decodeFields(object: JsonObject): Partial<ProxyInput> {
  const name = stringField(object, 'name', 'Proxy.name');
  const listen = stringField(object, 'listen', 'Proxy.listen');
  const upstream = stringField(object, 'upstream', 'Proxy.upstream');
  const enabled = boolField(object, 'enabled', 'Proxy.enabled');
  return {
    ...(name !== undefined && { name }),
    ...(listen !== undefined && { listen }),
    ...(upstream !== undefined && { upstream }),
    ...(enabled !== undefined && { enabled }),
  };
}

function withBadRequest<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof JsonTypeError) throw badRequestBody(error.message);
    throw error;
  }
}

/** A create body with defaults filled in (POST /proxies). */
export function decodeProxyCreate(body: unknown): ProxyInput {
  const fields = withBadRequest(() => decodeFields(expectObject(body, 'toxiproxy.Proxy')));
  if (!fields.name) throw missingField('name');
  if (!fields.upstream) throw missingField('upstream');
  return {
    name: fields.name,
    listen: fields.listen ?? '',
    upstream: fields.upstream,
    enabled: fields.enabled ?? true,
  };
}

/** An update body merged over the proxy's current settings (POST/PATCH /proxies/{p}). */
export function decodeProxyUpdate(body: unknown, current: ProxySettings): ProxySettings {
  const fields = withBadRequest(() => decodeFields(expectObject(body, 'toxiproxy.Proxy')));
  return {
    listen: fields.listen ?? current.listen,
    upstream: fields.upstream ?? current.upstream,
    enabled: fields.enabled ?? current.enabled,
  };
}

/** Every populate entry, checked before anything is applied (POST /populate, --config files). */
export function decodePopulate(body: unknown): ProxyInput[] {
  const entries = withBadRequest(() => {
    if (body === null) return []; // Go decodes null into an empty slice
    if (!Array.isArray(body)) {
      throw new JsonTypeError(
        `json: cannot unmarshal ${jsonKind(body)} into Go value of type []toxiproxy.Proxy`,
      );
    }
    return body.map((entry) => decodeFields(expectObject(entry, 'toxiproxy.Proxy')));
  });
  checkPopulateInputs(entries);
  return entries.map((entry) => ({
    name: entry.name ?? '',
    listen: entry.listen ?? '',
    upstream: entry.upstream ?? '',
    enabled: entry.enabled ?? true,
  }));
}
