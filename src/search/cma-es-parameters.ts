/**
 * CMA-ES strategy parameters, as in Hansen's tutorial ("The CMA Evolution Strategy: A Tutorial",
 * arXiv:1604.00772, Table 1 and eqs. 49-58) with positive recombination weights only (the classic
 * (μ/μ_W, λ)-CMA-ES; the tutorial's optional negative weights for active CMA are left out).
 */
export interface CmaEsParameters {
  readonly n: number;
  /** Population size λ. */
  readonly lambda: number;
  /** Parents μ = floor(λ/2). */
  readonly mu: number;
  /** Recombination weights w_1..w_μ, positive, decreasing, summing to 1. */
  readonly weights: readonly number[];
  /** Variance-effective selection mass μ_eff = 1 / Σ w_i². */
  readonly muEff: number;
  readonly cSigma: number;
  readonly dSigma: number;
  readonly cC: number;
  readonly c1: number;
  readonly cMu: number;
  /** E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²)). */
  readonly chiN: number;
  /** Generations between eigendecompositions (lazy update, tutorial §B.2: λ / ((c1 + cμ) n 10) evaluations). */
  readonly eigenInterval: number;
}

/** mergekit-evolve's and the tutorial's default population size: 4 + floor(3 ln n). */
export function defaultPopsize(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

export function cmaEsParameters(n: number, lambda = defaultPopsize(n)): CmaEsParameters {
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const sum = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((w) => w / sum);
  const muEff = 1 / weights.reduce((a, w) => a + w * w, 0);
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
  const cMu = Math.min(1 - c1, (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2));
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const eigenInterval = Math.max(1, Math.floor(1 / ((c1 + cMu) * n * 10)));
  return { n, lambda, mu, weights, muEff, cSigma, dSigma, cC, c1, cMu, chiN, eigenInterval };
}
