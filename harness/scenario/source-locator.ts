/**
 * Maps field paths to places in the YAML text, so every problem can say "line 12, column 5".
 * Works on the parsed YAML document (not the plain data), which keeps each node's source range.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from './field-path.js';

export interface SourcePosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** What a problem is about, which decides where in the text it points. */
export type IssueTarget =
  /** A value of the wrong kind: the value itself (or its key when it has no text of its own). */
  | 'value'
  /** A field that should not be there: the field's own key. */
  | 'key';

/** One step down the document: the key that led there (none for list items) and the node reached. */
interface Step {
  readonly key: Node | undefined;
  readonly node: Node | null;
}

const MERGE_KEY = '<<';

export class SourceLocator {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** 1-based line and column of a character offset in the text. */
  positionOfOffset(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /**
   * Where to point for a problem at `path`. When the path does not exist in the file (a missing
   * field, or one filled in by a default) this is the nearest enclosing field that does: for a
   * missing required field, the key of the mapping it belongs in.
   */
  positionOf(path: FieldPath, target: IssueTarget = 'value'): SourcePosition | undefined {
    const steps = this.walk(path);
    const last = steps.at(-1);
    if (!last) return undefined;
    const complete = steps.length === path.length + 1;
    let node: Node | null | undefined;
    if (complete && target === 'value' && hasOwnText(last.node)) node = last.node;
    else node = last.key ?? last.node;
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.positionOfOffset(offset);
  }

  /** The text of the plain scalar at `path` as written ("1.10", where the data holds 1.1). */
  plainScalarText(path: FieldPath): string | undefined {
    const steps = this.walk(path);
    const node = steps.length === path.length + 1 ? steps.at(-1)?.node : undefined;
    return isScalar(node) && node.type === 'PLAIN' ? node.source : undefined;
  }

  /** The path of the innermost field whose text holds `offset`; for syntax errors. */
  pathAtOffset(offset: number): PropertyKey[] {
    const path: PropertyKey[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      let next: { segment: PropertyKey; node: unknown } | undefined;
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? pair.key.value : undefined;
          if (contains(pair.key, offset) || contains(pair.value, offset)) {
            next = { segment: String(key), node: pair.value };
            break;
          }
        }
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => contains(item, offset));
        if (index >= 0) next = { segment: index, node: node.items[index] };
      }
      if (!next) return path;
      path.push(next.segment);
      node = next.node;
    }
  }

  /** The root step followed by one step per path segment found in the document. */
  private walk(path: FieldPath): Step[] {
    const steps: Step[] = [{ key: undefined, node: asNode(this.doc.contents) }];
    let current = asNode(this.doc.contents);
    for (const segment of path) {
      const step = this.childStep(this.resolveAlias(current), segment);
      if (!step) break;
      steps.push(step);
      current = step.node;
    }
    return steps;
  }

  private childStep(node: Node | null, segment: PropertyKey): Step | undefined {
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      return item === undefined ? undefined : { key: undefined, node: asNode(item) };
    }
    if (!isMap(node)) return undefined;
    for (const pair of node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(segment)) {
        return { key: pair.key, node: asNode(pair.value) };
      }
    }
    // `<<: *defaults` merges another mapping's fields in; the field is written over there.
    for (const pair of node.items) {
      if (!isMergeKey(pair.key)) continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const step = this.childStep(this.resolveAlias(asNode(source)), segment);
        if (step) return step;
      }
    }
    return undefined;
  }

  private resolveAlias(node: Node | null): Node | null {
    return isAlias(node) ? (node.resolve(this.doc) ?? null) : node;
  }
}

/** With merge keys on, yaml parses `<<` to a symbol; a quoted "<<" would be an ordinary key. */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  return key.value === MERGE_KEY || (typeof key.value === 'symbol' && key.value.description === MERGE_KEY);
}

function asNode(value: unknown): Node | null {
  return value && typeof value === 'object' && 'range' in value && !isPair(value) ? (value as Node) : null;
}

/** A node written out in the file: not a collection (which starts on a later line) and not `key:` with nothing. */
function hasOwnText(node: Node | null): boolean {
  if (!node) return false;
  if (isScalar(node)) return node.value !== null || (node.source ?? '') !== '';
  if (isMap(node) || isSeq(node)) return Boolean(node.flow);
  return true;
}

function contains(node: unknown, offset: number): boolean {
  const range = asNode(node)?.range;
  return range !== null && range !== undefined && range[0] <= offset && offset < range[2];
}
