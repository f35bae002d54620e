import type { CandidateParameter } from "./candidate-parameters.js";

/** A candidate as the parameter plots need it. */
export interface ParameterSource {
  readonly id: string;
  readonly method: string;
  readonly fitness: number;
  readonly pareto: boolean;
  readonly parameters: readonly CandidateParameter[];
}

/** One point of a parameter plot: a scored candidate's value of the dimension and its fitness. */
export interface ParameterPoint {
  readonly id: string;
  readonly method: string;
  readonly value: number | string;
  readonly fitness: number;
  readonly pareto: boolean;
}

/** One searched dimension (or the merge method) against fitness. */
export type ParameterDimension =
  | {
      readonly kind: "quantitative";
      readonly name: string;
      /** The searched range when the space gives it, else the values' extent. */
      readonly domain: readonly [number, number];
      readonly points: readonly ParameterPoint[];
    }
  | {
      readonly kind: "nominal";
      readonly name: string;
      /** Every category in order (a choice's values, or the methods), shown even when unused. */
      readonly categories: readonly string[];
      readonly points: readonly ParameterPoint[];
    };

/**
 * Groups the candidates' searched values into one dimension per name, in the order of first
 * appearance (the genome's order): a range is quantitative over its bounds; a choice (flags,
 * discrete values) is nominal. With more than one method, the method comes first as a nominal
 * dimension. Each dimension holds exactly the candidates that have a value for it (density, say,
 * only for the methods that take it).
 */
export function parameterDimensions(candidates: readonly ParameterSource[], methods: readonly string[]): ParameterDimension[] {
  const dims: ParameterDimension[] = [];
  const seenMethods = [...new Set([...methods, ...candidates.map((c) => c.method)])];
  if (seenMethods.length > 1) {
    dims.push({
      kind: "nominal",
      name: "method",
      categories: seenMethods,
      points: candidates.map((c) => ({ id: c.id, method: c.method, value: c.method, fitness: c.fitness, pareto: c.pareto })),
    });
  }
  const byName = new Map<string, { first: CandidateParameter; points: ParameterPoint[] }>();
  for (const c of candidates) {
    for (const p of c.parameters) {
      const group = byName.get(p.name) ?? { first: p, points: [] };
      byName.set(p.name, group);
      const nominal = p.spec?.kind === "choice" || typeof p.value === "boolean";
      group.points.push({ id: c.id, method: c.method, value: nominal ? String(p.value) : p.value as number, fitness: c.fitness, pareto: c.pareto });
    }
  }
  for (const [name, { first, points }] of byName) {
    const spec = first.spec;
    if (spec?.kind === "choice" || typeof first.value === "boolean") {
      const categories = spec?.kind === "choice" ? spec.choices.map(String) : [];
      for (const p of points) if (!categories.includes(String(p.value))) categories.push(String(p.value));
      dims.push({ kind: "nominal", name, categories, points });
    } else {
      const values = points.map((p) => p.value as number);
      const domain: [number, number] = spec?.kind === "range" ? [spec.lo, spec.hi] : [Math.min(...values), Math.max(...values)];
      dims.push({ kind: "quantitative", name, domain, points });
    }
  }
  return dims;
}
