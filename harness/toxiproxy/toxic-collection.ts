/**
 * The toxics of one proxy: an ordered chain per direction plus the live links they act on. Adding,
 * updating or removing a toxic changes the chain new connections start with and every live link of
 * that direction at once — what Toxiproxy's ToxicCollection does.
 */
import {
  badRequestBody,
  invalidStream,
  invalidToxicType,
  toxicAlreadyExists,
  toxicNotFound,
  type ApiError,
} from './api-error.js';
import {
  JsonTypeError,
  expectObject,
  integerField,
  numberField,
  objectField,
  stringField,
  type JsonObject,
} from './json-decode.js';
import type { Link, LinkToxic, StreamDirection } from './link.js';
import type { ToxicAttributes, ToxicDefinition } from './toxic.js';
import { findToxicDefinition } from './toxics/index.js';

/** A toxic as the API shows it, keys in Toxiproxy's order. */
export interface ToxicJson {
  readonly attributes: Record<string, number>;
  readonly name: string;
  readonly type: string;
  readonly stream: string;
  readonly toxicity: number;
}

interface ToxicRecord extends LinkToxic {
  readonly type: string;
  /** As the client sent it (matched case-insensitively). */
  readonly stream: string;
  readonly direction: StreamDirection;
}

const DIRECTIONS: readonly StreamDirection[] = ['upstream', 'downstream'];

export class ToxicCollection {
  private readonly chains: Record<StreamDirection, ToxicRecord[]> = { upstream: [], downstream: [] };
  private readonly links: Record<StreamDirection, Set<Link>> = { upstream: new Set(), downstream: new Set() };

  /** Upstream toxics first, then downstream, each in the order they were added. */
  list(): ToxicJson[] {
    return DIRECTIONS.flatMap((direction) => this.chains[direction].map(toJson));
  }

  get(name: string): ToxicJson | undefined {
    const found = this.find(name);
    return found && toJson(found);
  }

  /** The chain a new link in `direction` starts with. */
  chain(direction: StreamDirection): readonly LinkToxic[] {
    return this.chains[direction];
  }

  attach(link: Link): void {
    this.links[link.direction].add(link);
  }

  detach(link: Link): void {
    this.links[link.direction].delete(link);
  }

  /** POST /proxies/{p}/toxics. Checks in Toxiproxy's order: body, stream, type, name, attributes. */
  add(body: unknown): ToxicJson {
    const input = decode(() => {
      const object = expectObject(body, 'toxics.ToxicWrapper');
      return {
        object,
        name: stringField(object, 'name', 'ToxicWrapper.name'),
        type: stringField(object, 'type', 'ToxicWrapper.type') ?? '',
        stream: stringField(object, 'stream', 'ToxicWrapper.stream') ?? 'downstream',
        toxicity: numberField(object, 'toxicity', 'ToxicWrapper.toxicity') ?? 1,
        attributes: objectField(object, 'attributes', 'ToxicWrapper.attributes', 'toxics.NoopToxic'),
      };
    });
    const direction = parseDirection(input.stream);
    const name = input.name || `${input.type}_${input.stream}`;
    const definition = findToxicDefinition(input.type);
    if (!definition) throw invalidToxicType();
    if (this.find(name)) throw toxicAlreadyExists();
    const attributes = decode(() =>
      decodeAttributes(definition, input.attributes, zeroAttributes(definition)),
    );
    const record: ToxicRecord = {
      name,
      type: input.type,
      stream: input.stream,
      direction,
      toxicity: input.toxicity,
      definition,
      attributes,
    };
    this.chains[direction].push(record);
    for (const link of this.links[direction]) link.addToxic(record);
    return toJson(record);
  }

  /**
   * POST/PATCH /proxies/{p}/toxics/{t}: merges attributes; keeps toxicity when omitted. The body is
   * read only once the toxic is found, so an unknown toxic is a 404 whatever the body.
   */
  update(name: string, readBody: () => unknown): ToxicJson {
    const current = this.find(name);
    if (!current) throw toxicNotFound();
    const body = readBody();
    const updated = decode((): ToxicRecord => {
      const object = expectObject(body, 'toxics.ToxicWrapper');
      const attributes = objectField(
        object,
        'attributes',
        'attributes',
        `toxics.${current.definition.goStruct}`,
      );
      return {
        ...current,
        toxicity: numberField(object, 'toxicity', 'toxicity') ?? current.toxicity,
        attributes: decodeAttributes(current.definition, attributes, current.attributes),
      };
    });
    const chain = this.chains[current.direction];
    chain[chain.indexOf(current)] = updated;
    for (const link of this.links[current.direction]) link.updateToxic(updated);
    return toJson(updated);
  }

  remove(name: string): void {
    const current = this.find(name);
    if (!current) throw toxicNotFound();
    const chain = this.chains[current.direction];
    chain.splice(chain.indexOf(current), 1);
    for (const link of this.links[current.direction]) link.removeToxic(name);
  }

  /** Removes every toxic (POST /reset). */
  removeAll(): void {
    for (const direction of DIRECTIONS) {
      for (const record of [...this.chains[direction]]) this.remove(record.name);
    }
  }

  private find(name: string): ToxicRecord | undefined {
    for (const direction of DIRECTIONS) {
      const found = this.chains[direction].find((record) => record.name === name);
      if (found) return found;
    }
    return undefined;
  }
}

function parseDirection(stream: string): StreamDirection {
  const lower = stream.toLowerCase();
  if (lower === 'upstream' || lower === 'downstream') return lower;
  throw invalidStream();
}

function zeroAttributes(definition: ToxicDefinition): ToxicAttributes {
  return Object.fromEntries(definition.attributes.map((spec) => [spec.name, 0]));
}

/** Known attributes from `input` over `base`; unknown keys are ignored, wrong JSON types refused. */
function decodeAttributes(
  definition: ToxicDefinition,
  input: JsonObject | undefined,
  base: ToxicAttributes,
): ToxicAttributes {
  const result: Record<string, number> = { ...base };
  if (!input) return result;
  for (const spec of definition.attributes) {
    const value = integerField(
      input,
      spec.name,
      `${definition.goStruct}.attributes.${spec.name}`,
      spec.goType,
    );
    if (value !== undefined) result[spec.name] = value;
  }
  return result;
}

/** Runs a decoding step, turning type errors into `bad request body` 400s. */
function decode<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof JsonTypeError) throw badRequestBody(error.message) satisfies ApiError;
    throw error;
  }
}

function toJson(record: ToxicRecord): ToxicJson {
  const attributes: Record<string, number> = {};
  for (const spec of record.definition.attributes) attributes[spec.name] = record.attributes[spec.name] ?? 0;
  return {
    attributes,
    name: record.name,
    type: record.type,
    stream: record.stream,
    toxicity: record.toxicity,
  };
}
