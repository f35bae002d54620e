/** A word of a BPE training corpus: its current symbols and how often it occurs. */
export interface MergeWord {
  readonly parts: readonly string[];
  readonly n: number;
}

/**
 * Learns up to `count` BPE merges on counted words: the most frequent adjacent pair first, ties by
 * text; `allow` can rule pairs out. What both tokenizer fixtures (byte-level BPE and
 * SentencePiece-style) train their vocabularies with.
 */
export function learnMerges(start: readonly MergeWord[], count: number, allow: (a: string, b: string) => boolean = () => true): [string, string][] {
  let words = start;
  const merges: [string, string][] = [];
  while (merges.length < count) {
    const pairs = new Map<string, number>();
    for (const { parts, n } of words) {
      for (let i = 0; i + 1 < parts.length; i++) {
        if (!allow(parts[i], parts[i + 1])) continue;
        const key = `${parts[i]}\u0000${parts[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best: [string, number] | undefined;
    for (const entry of pairs) if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
    if (!best) break;
    const [a, b] = best[0].split("\u0000");
    merges.push([a, b]);
    words = words.map(({ parts, n }) => {
      const out: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(parts[i]);
      }
      return { parts: out, n };
    });
  }
  return merges;
}
