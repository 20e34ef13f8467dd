/**
 * Seeded mutations of text and of YAML documents, for the fuzzers. Every choice comes from the
 * seeded generator, so a failing case is replayed exactly from its seed and index.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

const TOKENS = [
  '',
  '-1',
  '0',
  '1e999',
  '-0',
  'null',
  '~',
  'true',
  'no',
  '"x"',
  "'",
  '"',
  '[]',
  '{}',
  '[1, 2',
  '{a: ',
  '&anchor',
  '*alias',
  '!!binary eHl6',
  '!!str',
  '!custom x',
  '<<: *x',
  '"\\u0000"',
  'x'.repeat(5000),
  '%',
  '10',
  '1.5',
  '99%',
  '150%',
  '-5s',
  '0s',
  '1h1h1h',
  '5 minutes',
  '.nan',
  '.inf',
  '2026-11-22',
  '0x1F',
  '@',
  '`',
  '|',
  '>-',
  '? complex',
  '- item',
  '#comment',
  '\t',
  '\u00e9\u4e2d\ud83d\ude00',
  '\ufeff',
  'embedded',
  'release',
  'toxic',
  'threshold',
];

const BYTES = [
  ':',
  '-',
  '{',
  '}',
  '[',
  ']',
  '#',
  '\t',
  '"',
  "'",
  '\n',
  ' ',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  ',',
  '?',
  '\u0000',
  '\uffff',
  '\r',
  '\\',
];

/** One random text-level edit: lines dropped, doubled, swapped, re-indented, values replaced, bytes inserted, cut. */
export function mutateText(text: string, random: Random): string {
  const lines = text.split('\n');
  const at = Math.floor(random() * lines.length);
  switch (Math.floor(random() * 9)) {
    case 0:
      lines.splice(at, 1);
      return lines.join('\n');
    case 1:
      lines.splice(at, 0, lines[at] ?? '');
      return lines.join('\n');
    case 2: {
      const other = Math.floor(random() * lines.length);
      [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
      return lines.join('\n');
    }
    case 3: {
      const line = lines[at] ?? '';
      lines[at] = random() < 0.5 ? `  ${line}` : line.replace(/^ {1,2}/, '');
      return lines.join('\n');
    }
    case 4: {
      const line = lines[at] ?? '';
      const colon = line.indexOf(': ');
      lines[at] =
        colon >= 0 ? `${line.slice(0, colon + 2)}${pick(random, TOKENS)}` : `${line}${pick(random, TOKENS)}`;
      return lines.join('\n');
    }
    case 5: {
      const line = lines[at] ?? '';
      const key = /^(\s*-?\s*)([A-Za-z]+)(:)/.exec(line);
      // A near-miss key: a typo the user could make.
      lines[at] = key
        ? line.replace(
            key[0],
            `${key[1] ?? ''}${(key[2] ?? '').slice(0, -1)}${pick(random, ['x', 's', '', 'Z'])}:`,
          )
        : line;
      return lines.join('\n');
    }
    case 6: {
      const position = Math.floor(random() * (text.length + 1));
      return text.slice(0, position) + pick(random, BYTES) + text.slice(position);
    }
    case 7:
      return text.slice(0, Math.floor(random() * text.length));
    default: {
      const position = Math.floor(random() * text.length);
      const length = Math.floor(random() * 40);
      return text.slice(0, position) + text.slice(position + length);
    }
  }
}

const VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e21,
  Number.MAX_SAFE_INTEGER,
  '',
  'x',
  '30s',
  '-30s',
  '0ms',
  '101%',
  '50%',
  true,
  false,
  [],
  [null],
  {},
  { type: 'unknown' },
  { nested: { deeper: [1, 'two'] } },
  'a'.repeat(300),
  '${env:TOKEN}',
  '{{version}}',
];

/** One random edit of the parsed document: a value replaced, a key removed, added or renamed. */
export function mutateDocument(text: string, random: Random): string {
  const doc = parseDocument(text);
  const nodes: { parent: Node; key: unknown }[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        nodes.push({ parent: node, key });
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        nodes.push({ parent: node, key: index });
        walk(item);
      });
    }
  };
  walk(doc.contents);
  if (nodes.length === 0) return text;
  const { parent, key } = pick(random, nodes);
  const container = parent as unknown as {
    set(k: unknown, v: unknown): void;
    delete(k: unknown): boolean;
  };
  switch (Math.floor(random() * 4)) {
    case 0:
      container.delete(key);
      break;
    case 1:
      if (isMap(parent))
        container.set(`${String(key)}${pick(random, ['x', '_', 'Extra'])}`, pick(random, VALUES));
      else container.set(key, pick(random, VALUES));
      break;
    default:
      container.set(key, doc.createNode(pick(random, VALUES)));
  }
  return doc.toString();
}
