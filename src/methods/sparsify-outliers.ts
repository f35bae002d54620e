import { ABS_MASK, floatBits, topKThreshold } from "./select-top-k.js";

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
  const upper = topKThreshold(bits, absMask, nTop + keep);
  const outliers = topKThreshold(bits, absMask, nTop);
  let upperTies = upper.ties;
  let outlierTies = outliers.ties;
  for (let i = 0; i < n; i++) {
    const v = bits[i] & absMask;
    const inUpper = v > upper.key || (v === upper.key && upperTies-- > 0);
    const isOutlier = v > outliers.key || (v === outliers.key && outlierTies-- > 0);
    if (!inUpper || isOutlier) delta[i] = 0;
  }
}
