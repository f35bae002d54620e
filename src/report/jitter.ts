/**
 * A deterministic offset in [-1, 1] for a point's id (FNV-1a hash): spreads points that share a
 * category so they do not hide each other, and the same run always renders the same picture.
 */
export function jitter(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h / 0xffffffff) * 2 - 1;
}
