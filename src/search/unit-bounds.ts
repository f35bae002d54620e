/**
 * Maps a coordinate of the optimiser's unbounded space into [0, 1] by periodic reflection (a
 * triangle wave of period 2): the identity on [0, 1], mirrored at each bound.
 *
 * Why this transform: Hansen recommends boundary handling by a periodic transformation that is
 * the identity in the interior (the cma package's BoundTransform), so that CMA-ES behaves as the
 * unconstrained algorithm wherever the optimum is inside the box, and every bound is reachable
 * with positive density (a logistic squashes the ends, so values at the bounds, e.g. weight 0 or
 * density 1, need unbounded internal steps). The cma package additionally smooths the mirror
 * points with a short quadratic piece; plain reflection keeps the map continuous and piecewise
 * linear, which is all a rank-based method needs. The optimiser keeps its internal (unbounded)
 * samples and only hands the reflected points out.
 */
export function reflectIntoUnit(y: number): number {
  if (y >= 0 && y <= 1) return y;
  const r = ((y % 2) + 2) % 2; // in [0, 2)
  return r <= 1 ? r : 2 - r;
}

export function reflectVectorIntoUnit(ys: readonly number[]): number[] {
  return ys.map(reflectIntoUnit);
}
