import type { Issue } from "../errors.js";
import type { MergeMethod } from "../methods/define-merge-method.js";
import { didYouMean } from "../recipe/closest-name.js";
import { isInertParam, methodParamInfo, type MethodParamInfo } from "./method-param-info.js";
import { normalizeParamSpec, type ParamSpec } from "./param-spec.js";
import type { SearchSpaceFile } from "./search-space-schema.js";

type Methods = Readonly<Record<string, MergeMethod<unknown, unknown>>>;
type Scope = "per_model" | "global";

const OTHER: Record<Scope, Scope> = { per_model: "global", global: "per_model" };
const declared = (info: MethodParamInfo, scope: Scope) => (scope === "per_model" ? info.perModel : info.global);

/** The values a spec can hand the method: fixed value, range ends, every choice. */
function probeValues(spec: ParamSpec): (number | boolean)[] {
  if (spec.kind === "fixed") return [spec.value];
  if (spec.kind === "range") return [spec.lo, spec.hi];
  return [...spec.choices];
}

/**
 * Checks a parsed search space against the merge methods it names, without opening a model:
 * the methods exist; every parameter is declared by at least one of them, in the scope it is
 * written in; every value the space can produce passes the method's own schema (so a candidate
 * can never fail on a parameter the space allowed); required parameters are provided; the
 * number of models and the base model suit each method.
 */
export function checkSearchSpace(file: SearchSpaceFile, methods: Methods): Issue[] {
  const issues: Issue[] = [];
  const names = typeof file.methods === "string" ? [file.methods] : file.methods;
  const methodsPath = (i: number) => (typeof file.methods === "string" ? ["methods"] : ["methods", i]);
  const known = Object.keys(methods).sort();
  const found: { method: MergeMethod<unknown, unknown>; info: MethodParamInfo; path: (string | number)[] }[] = [];
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issues.push({ message: `method "${name}" is listed twice`, path: methodsPath(i) });
    else if (!Object.hasOwn(methods, name)) {
      issues.push({ message: `unknown merge method "${name}"${didYouMean(name, known)}; known methods: ${known.join(", ")}`, path: methodsPath(i) });
    } else found.push({ method: methods[name], info: methodParamInfo(methods[name]), path: methodsPath(i) });
  });
  if (found.length === 0) return issues;

  for (const scope of ["per_model", "global"] as const) {
    for (const [param, raw] of Object.entries(file.parameters[scope])) {
      const path = ["parameters", scope, param];
      const users = found.filter((f) => declared(f.info, scope).has(param));
      if (users.length === 0) {
        const elsewhere = found.filter((f) => declared(f.info, OTHER[scope]).has(param));
        if (elsewhere.length > 0) {
          issues.push({ message: `"${param}" is a ${scope === "global" ? "per-model" : "global"} parameter of ${elsewhere.map((f) => f.method.name).join(", ")}; move it to parameters.${OTHER[scope]}`, path });
        } else {
          const all = [...new Set(found.flatMap((f) => [...declared(f.info, scope).keys()]))];
          issues.push({
            message: `"${param}" is not a ${scope === "global" ? "global" : "per-model"} parameter of ${found.map((f) => f.method.name).join(", ")} (they take: ${all.join(", ") || "none"})${didYouMean(param, all)}`,
            path,
          });
        }
        continue;
      }
      const spec = normalizeParamSpec(raw);
      if (spec.kind !== "fixed" && users.every((f) => isInertParam(f.method.name, param))) {
        issues.push({ message: `"${param}" cannot change the result of ${users.map((f) => f.method.name).join(", ")} (it is read and ignored), so searching it wastes evaluations; remove it or fix its value`, path });
      }
      for (const f of users) {
        const schema = declared(f.info, scope).get(param)?.schema;
        for (const v of probeValues(spec)) {
          const r = schema?.safeParse(v);
          if (r !== undefined && !r.success) {
            issues.push({ message: `${f.method.name} rejects ${param} = ${String(v)}: ${r.error.issues[0]?.message ?? "invalid value"}`, path });
            break;
          }
        }
      }
    }
  }

  for (const f of found) {
    for (const scope of ["per_model", "global"] as const) {
      for (const [param, p] of declared(f.info, scope)) {
        if (p.required && !Object.hasOwn(file.parameters[scope], param) && !isInertParam(f.method.name, param)) {
          issues.push({ message: `${f.method.name} needs "${param}"; add it under parameters.${scope} (a range to search it, or a fixed value)`, path: f.path });
        }
      }
    }
    const [min, max] = f.method.models;
    const n = file.models.length;
    if (n < min || n > max) {
      const range = min === max ? `exactly ${min}` : Number.isFinite(max) ? `${min} to ${max}` : `at least ${min}`;
      issues.push({ message: `${f.method.name} merges ${range} model${max === 1 ? "" : "s"} besides the base; this space lists ${n}`, path: f.path });
    }
    if (f.method.base === "required" && file.base_model === undefined) {
      issues.push({ message: `${f.method.name} needs base_model (the model the others are compared to)`, path: ["base_model"] });
    }
  }

  const refs = file.models.map((m) => m.model);
  refs.forEach((ref, i) => {
    if (refs.indexOf(ref) !== i) issues.push({ message: `model "${ref}" is listed twice`, path: ["models", i, "model"] });
    if (ref === file.base_model) {
      issues.push({ message: `"${ref}" is the base_model; list only the models merged into it under models`, path: ["models", i, "model"] });
    }
  });
  return issues;
}
