import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openSafetensors } from "../../src/tensor/safetensors/index.js";

/**
 * Loads mergekit's conformance vectors (test/fixtures/conformance, see its README.md): the case
 * list and every tensor of tensors.safetensors, read through the project's own safetensors reader.
 */

const FIXTURES = fileURLToPath(new URL("../fixtures/conformance/", import.meta.url));

export interface Property {
  readonly name: string;
  readonly expected: number;
  readonly abs_tol?: number;
  readonly rel_tol?: number;
  readonly model: string;
}

export interface ConformanceCase {
  readonly id: string;
  readonly method: string;
  readonly global_params: Record<string, unknown>;
  readonly models: readonly { readonly name: string; readonly params: Record<string, unknown> }[];
  readonly base_model: string | null;
  readonly tensor: string;
  readonly inputs: Record<string, string>;
  readonly input_order: readonly string[];
  readonly shape: readonly number[];
  readonly resolved_params: { readonly global: Record<string, unknown>; readonly models: Record<string, Record<string, unknown>> };
  readonly expected: string | null;
  readonly error?: string;
  readonly rtol: number;
  readonly atol: number;
  readonly deterministic: boolean;
  readonly masks?: Record<string, string>;
  readonly probs?: Record<string, string>;
  readonly probs_rtol?: number;
  readonly probs_atol?: number;
  readonly properties?: readonly Property[];
}

export function loadCases(): ConformanceCase[] {
  return JSON.parse(readFileSync(`${FIXTURES}cases.json`, "utf8")) as ConformanceCase[];
}

export async function loadTensors(): Promise<Map<string, Float32Array>> {
  const source = await openSafetensors(`${FIXTURES}tensors.safetensors`);
  try {
    const tensors = new Map<string, Float32Array>();
    for (const info of source.list()) tensors.set(info.name, await source.readF32(info.name));
    return tensors;
  } finally {
    await source.close();
  }
}

/** numpy.isclose, element-wise, with NaN == NaN and equal infinities; returns the first failure. */
export function firstMismatch(actual: Float32Array, expected: Float32Array, rtol: number, atol: number): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    return `element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`;
  }
  return undefined;
}
