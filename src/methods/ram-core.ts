/**
 * Shared part of RAM and RAM+ (Reinforced Agent Merging): which entries each model changed
 * (|d| > epsilon, strict) and how many models changed each entry.
 */
export interface ChangeCounts {
  readonly deltas: Float32Array[];
  /** Models that changed each entry. */
  readonly counts: Uint16Array;
}

export function countChanges(tensors: readonly Float32Array[], base: Float32Array, epsilon: number): ChangeCounts {
  const n = base.length;
  const counts = new Uint16Array(n);
  const deltas = tensors.map((x) => {
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      d[i] = x[i] - base[i];
      if (Math.abs(d[i]) > epsilon) counts[i]++;
    }
    return d;
  });
  return { deltas, counts };
}
