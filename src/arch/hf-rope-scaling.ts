/**
 * RoPE settings from a config.json: `rope_theta` + `rope_scaling` (transformers 4) or
 * `rope_parameters` (transformers 5, which moved both into one object). Scaling types smelt does
 * not convert (yarn, dynamic, longrope, ...) are refused by name rather than dropped, because a
 * GGUF without them would compute a different model at every position.
 */
import { ConversionError, MissingConfigKeyError } from "../errors.js";
import type { RopeScaling } from "./rope-scaling.js";

const SUPPORTED = ["default (none)", "linear", "llama3"];

function positive(params: Record<string, unknown>, key: string, file: string, where: string): number {
  const v = params[key];
  if (v === undefined || v === null) throw new MissingConfigKeyError(file, `${where}.${key}`, `${where} needs it for this scaling type`);
  if (typeof v !== "number" || !(v > 0)) throw new ConversionError(file, `${where}.${key} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

/** `{ ropeBase, ropeScaling }` from a parsed config.json. Throws naming the file and key. */
export function readHfRope(json: Record<string, unknown>, file: string): { ropeBase: number; ropeScaling: RopeScaling } {
  const modern = json.rope_parameters;
  const where = modern !== undefined && modern !== null ? "rope_parameters" : "rope_scaling";
  const raw = where === "rope_parameters" ? modern : json.rope_scaling;
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    throw new ConversionError(file, `${where} must be an object or null, got ${JSON.stringify(raw)}`);
  }
  const params = (raw ?? {}) as Record<string, unknown>;
  const thetaRaw = where === "rope_parameters" ? (params.rope_theta ?? json.rope_theta) : json.rope_theta;
  const ropeBase = thetaRaw === undefined || thetaRaw === null ? 10000 : thetaRaw;
  if (typeof ropeBase !== "number" || !(ropeBase > 0)) throw new ConversionError(file, `rope_theta must be a positive number, got ${JSON.stringify(thetaRaw)}`);
  const type = params.rope_type ?? params.type ?? "default";
  switch (type) {
    case "default":
      return { ropeBase, ropeScaling: { type: "none" } };
    case "linear":
      return { ropeBase, ropeScaling: { type: "linear", factor: positive(params, "factor", file, where) } };
    case "llama3": {
      const scaling = {
        type: "llama3" as const,
        factor: positive(params, "factor", file, where),
        lowFreqFactor: positive(params, "low_freq_factor", file, where),
        highFreqFactor: positive(params, "high_freq_factor", file, where),
        originalContextLength: positive(params, "original_max_position_embeddings", file, where),
      };
      if (scaling.lowFreqFactor >= scaling.highFreqFactor) {
        throw new ConversionError(file, `${where}: low_freq_factor ${scaling.lowFreqFactor} must be below high_freq_factor ${scaling.highFreqFactor}`);
      }
      return { ropeBase, ropeScaling: scaling };
    }
    default:
      throw new ConversionError(
        file,
        `${where} type ${JSON.stringify(type)} is not supported; smelt converts RoPE scaling ${SUPPORTED.join(", ")} (llama.cpp's converter also handles yarn and longrope: use it for those models)`,
      );
  }
}
