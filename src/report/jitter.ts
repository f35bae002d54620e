/**
 * A deterministic offset in [-1, 1] for a point's id: spreads points that share a category so
 * they do not hide each other, and the same run always renders the same picture. FNV-1a, then
 * murmur3's finaliser so that ids differing only in their last character (c0001, c0002) land far apart.
 */
export function jitter(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}
