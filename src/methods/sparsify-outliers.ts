import { ABS_MASK, countHighDigits, floatBits, topKThreshold } from "./select-top-k.js";

/**
 * Model Breadcrumbs (Davari & Belilovsky, https://arxiv.org/abs/2312.06795): drop the `gamma`
 * fraction of largest-magnitude outliers and keep the next `density` fraction, in place.
 *
 * Observed mergekit behaviour (conformance README): `density >= 1` keeps everything and ignores
 * gamma; `keep = trunc(density*n)`, `nTop = trunc(gamma*n)`, and when `nTop + keep > n` the top cut
 * shrinks so the `keep` smallest survive; when the top cut is 0 *nothing* survives (mergekit slices
 * `[nBot:-0]`, which is empty), so with the default gamma 0.01 tensors under 100 entries lose their
 * whole task vector. We keep that quirk for compatibility.
 */
export function sparsifyOutliers(delta: Float32Array, density: number, gamma: number): void {
  if (density >= 1) return;
  const n = delta.length;
  const keep = Math.trunc(density * n);
  let nTop = Math.trunc(gamma * n);
  const nBot = n - keep - nTop;
  if (nBot < 0) nTop += nBot;
  if (nTop <= 0 || keep <= 0) {
    delta.fill(0);
    return;
  }
  // Descending ranks [nTop, nTop + keep) survive: inside the top (nTop + keep), outside the top nTop.
  const bits = floatBits(delta);
  // Local copy: module loaders may turn an imported binding into a getter call per access.
  const absMask = ABS_MASK;
  // Both cuts break ties by index, so the outlier set is inside the upper set.
  // One count of the high digits serves both cuts.
  const high = countHighDigits(bits, absMask);
  const upper = topKThreshold(bits, absMask, nTop + keep, high);
  const outliers = topKThreshold(bits, absMask, nTop, high);
  let upperTies = upper.ties;
  let outlierTies = outliers.ties;
  const upperKey = upper.key;
  const outlierKey = outliers.key;
  // Branch-free for the bulk (magnitudes are random, so `v > key` branches would mispredict); only
  // elements exactly at a cut, a tiny fraction, take a branch to spend their tie quota in index order.
  for (let i = 0; i < n; i++) {
    const u = bits[i];
    const v = u & absMask;
    let inUpper = +(v > upperKey);
    let isOutlier = +(v > outlierKey);
    if (v === upperKey && upperTies-- > 0) inUpper = 1;
    if (v === outlierKey && outlierTies-- > 0) isOutlier = 1;
    // Raw bits: the value itself or +0, as `delta[i] = 0` would write.
    bits[i] = u & -(inUpper & (isOutlier ^ 1));
  }
}
