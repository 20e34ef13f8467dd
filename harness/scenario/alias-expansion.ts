/**
 * Where an alias bomb is: the alias that expands to the most data. The YAML library refuses
 * excessive aliasing without saying where; a user needs the line to fix, so this finds it.
 */
import { isAlias, isMap, isPair, isSeq, visit, type Alias, type Document, type Node } from 'yaml';

export interface LargestAlias {
  readonly alias: Alias;
  /** Nodes the alias stands for once every alias inside it is expanded too. */
  readonly expandedNodes: number;
}

/** The alias expanding to the most nodes (the first in the file on a tie); undefined when none. */
export function largestAlias(document: Document.Parsed): LargestAlias | undefined {
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = node.resolve(document);
      return target ? sizeOf(target) : 1;
    }
    if (isPair(node)) return sizeOf(node.key) + sizeOf(node.value);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // An anchor used inside itself (&a [*a]) is a cycle: count the inner use once, not forever.
    if (inProgress.has(node)) return 1;
    inProgress.add(node);
    let size = 1;
    for (const item of node.items) size += sizeOf(item);
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  };
  let largest: LargestAlias | undefined;
  visit(document, {
    Alias(_key, alias) {
      const expandedNodes = sizeOf(alias);
      if (!largest || expandedNodes > largest.expandedNodes) largest = { alias, expandedNodes };
    },
  });
  return largest;
}
