import { existsSync } from "node:fs";
import { readFile as fsReadFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { RecipeError, type Issue } from "../errors.js";
import { defaultMetrics, metricInfo, type MetricName } from "../eval/task-spec.js";
import { parseTaskSpec } from "../eval/parse-task-spec.js";
import type { MergeMethod } from "../methods/define-merge-method.js";
import { mergeMethods } from "../methods/registry.js";
import { didYouMean } from "../recipe/closest-name.js";
import { formatModelRef, parseModelRef, type ModelRef } from "../recipe/model-ref.js";
import { checkSearchSpace } from "./check-search-space.js";
import { normalizeParamSpec } from "./param-spec.js";
import { publicBenchmarkOf } from "./public-benchmarks.js";
import { searchDimensions } from "./search-dimensions.js";
import { MAX_DIMENSIONS, searchSpaceSchema, type SearchSpaceFile } from "./search-space-schema.js";
import type { SearchObjective, SearchSpace } from "./search-space.js";

export interface LoadSearchSpaceOptions {
  /** Method registry to validate against. Defaults to smelt's `mergeMethods`. */
  readonly methods?: Readonly<Record<string, MergeMethod<unknown, unknown>>>;
  /** Reads the space and its task files. Defaults to `fs.readFile(path, "utf8")`. */
  readonly readFile?: (path: string) => Promise<string>;
}

/** Bounds alias expansion, as for recipes: a search space is a few KB. */
const MAX_ALIAS_COUNT = 100;

/** Local model paths in the file are relative to the file's folder (`~` is left to the resolver). */
function resolveRef(ref: ModelRef, dir: string): ModelRef {
  // A bare name like `base.gguf` parses as a Hub repository; as mergekit does, the disk wins.
  if (ref.kind === "hub" && ref.revision === undefined && existsSync(resolve(dir, ref.repo))) {
    return resolveRef(ref.adapter === undefined ? { kind: "path", path: ref.repo } : { kind: "path", path: ref.repo, adapter: ref.adapter }, dir);
  }
  const own: ModelRef = ref.kind === "path" && !isAbsolute(ref.path) && !ref.path.startsWith("~") ? { ...ref, path: resolve(dir, ref.path) } : ref;
  return ref.adapter === undefined ? own : { ...own, adapter: resolveRef(ref.adapter, dir) };
}

function defaultName(ref: ModelRef): string {
  // base+adapter: named after the adapter (several adapters of one base are the usual case).
  if (ref.adapter !== undefined) return defaultName(ref.adapter);
  const own = ref.kind === "path" ? basename(ref.path).replace(/\.(gguf|safetensors)$/i, "") : (ref.repo.split("/").pop() ?? ref.repo);
  return own.replace(/[^A-Za-z0-9_.-]/g, "_") || "model";
}

function zodToIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  const keys = Object.keys(searchSpaceSchema.shape);
  return issues.flatMap((issue) => {
    const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ message: `unknown key "${key}"${path.length === 0 ? didYouMean(key, keys) : ""}`, path: [...path, key] }));
    }
    return [{ message: issue.message, path }];
  });
}

function locate(doc: Document, counter: LineCounter, issue: Issue): Issue {
  for (let n = issue.path.length; n >= 1; n--) {
    const node = doc.getIn(issue.path.slice(0, n), true);
    if (isNode(node) && node.range) return { ...issue, message: `${issue.message} (line ${counter.linePos(node.range[0]).line})` };
  }
  return issue;
}

/**
 * Reads, validates and resolves a search-space YAML file (format: docs/search-spaces.md). Model
 * paths and task paths are taken relative to the file. Every problem found (schema, methods and
 * their parameters, task files, public benchmarks) is thrown together as one RecipeError with
 * the path and line of each.
 */
export async function loadSearchSpace(path: string, options: LoadSearchSpaceOptions = {}): Promise<SearchSpace> {
  const read = options.readFile ?? ((p: string) => fsReadFile(p, "utf8"));
  let text: string;
  try {
    text = await read(path);
  } catch (e) {
    throw new RecipeError(path, [{ message: `cannot read the search space: ${(e as Error).message}`, path: [] }]);
  }
  return parseSearchSpace(text, path, options);
}

/** `loadSearchSpace` for text already in memory; `path` names it and anchors relative paths. */
export async function parseSearchSpace(text: string, path: string, options: LoadSearchSpaceOptions = {}): Promise<SearchSpace> {
  const methods = options.methods ?? (mergeMethods as Readonly<Record<string, MergeMethod<unknown, unknown>>>);
  const read = options.readFile ?? ((p: string) => fsReadFile(p, "utf8"));
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RecipeError(
      path,
      doc.errors.map((e) => {
        const at = counter.linePos(e.pos[0]);
        return { message: `YAML syntax error: ${e.message.split("\n")[0]} (line ${at.line}, column ${at.col})`, path: [] };
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new RecipeError(path, [{ message: "a search space must be a YAML mapping with at least models, methods, objectives and budget", path: [] }]);
  }
  const parsed = searchSpaceSchema.safeParse(raw);
  const fail = (issues: Issue[]) => new RecipeError(path, issues.map((i) => locate(doc, counter, i)));
  if (!parsed.success) throw fail(zodToIssues(parsed.error.issues));
  const file = parsed.data;
  const issues = checkSearchSpace(file, methods);

  const dir = dirname(resolve(path));
  const models = file.models.map((m) => {
    const ref = resolveRef(parseModelRef(m.model), dir);
    return { model: formatModelRef(ref), name: m.name ?? defaultName(ref) };
  });
  models.forEach((m, i) => {
    if (models.findIndex((o) => o.name === m.name) !== i) {
      issues.push({ message: `two models are named "${m.name}"; give them distinct \`name:\` labels`, path: ["models", i, file.models[i].name ? "name" : "model"] });
    }
  });
  const base = file.base_model === undefined ? undefined : formatModelRef(resolveRef(parseModelRef(file.base_model), dir));
  const objectives = await resolveObjectives(file, dir, read, issues);

  const space: SearchSpace = {
    ...file,
    source: path,
    models,
    ...(base !== undefined ? { base_model: base } : {}),
    methods: typeof file.methods === "string" ? [file.methods] : file.methods,
    parameters: {
      per_model: Object.fromEntries(Object.entries(file.parameters.per_model).map(([k, v]) => [k, normalizeParamSpec(v)])),
      global: Object.fromEntries(Object.entries(file.parameters.global).map(([k, v]) => [k, normalizeParamSpec(v)])),
    },
    objectives,
  };
  if (issues.length === 0 && (space.layer_granularity === undefined || space.num_layers !== undefined)) {
    space.methods.forEach((name, i) => {
      const n = searchDimensions(space, methods[name]).length;
      if (n > MAX_DIMENSIONS) {
        issues.push({ message: `${name} would search ${n} dimensions (limit ${MAX_DIMENSIONS}); use a coarser layer_granularity, fewer filters or fix some parameters`, path: ["methods", i] });
      }
    });
  }
  if (issues.length > 0) throw fail(issues);
  return deepFreeze(space);
}

async function resolveObjectives(file: SearchSpaceFile, dir: string, read: (p: string) => Promise<string>, issues: Issue[]): Promise<SearchObjective[]> {
  const out: SearchObjective[] = [];
  for (const [i, o] of file.objectives.entries()) {
    const at = ["objectives", i, "task"];
    const taskPath = resolve(dir, o.task);
    let spec;
    try {
      spec = parseTaskSpec(await read(taskPath), taskPath);
    } catch (e) {
      const detail = e instanceof RecipeError ? `is not a valid task: ${e.issues[0]?.message ?? ""}` : `cannot be read: ${(e as Error).message}`;
      issues.push({ message: `task file ${taskPath} ${detail}`, path: at });
      continue;
    }
    const benchmark = publicBenchmarkOf(spec.task) ?? publicBenchmarkOf(basename(taskPath).replace(/\.ya?ml$/, ""));
    if (benchmark !== undefined && !file.allow_public_benchmarks) {
      issues.push({
        message: `task "${spec.task}" is the public benchmark ${benchmark}: a search overfits whatever it optimises, so its scores would no longer mean anything; optimise on your own data, or set allow_public_benchmarks: true to do it anyway`,
        path: at,
      });
    }
    if (spec.validation_split === undefined) {
      issues.push({ message: `task ${spec.task} has no validation_split: the search's fitness is computed on it`, path: at });
    }
    if (spec.test_split === undefined) {
      issues.push({ message: `task ${spec.task} has no test_split: the finalists are re-scored on it (held out from the search)`, path: at });
    }
    const available: string[] = spec.metric_list?.map((m) => m.metric) ?? [...defaultMetrics[spec.output_type]];
    const metric = o.metric ?? available[0];
    if (!available.includes(metric)) {
      issues.push({ message: `task ${spec.task} has no metric "${metric}"${didYouMean(metric, available)}; it has: ${available.join(", ")}`, path: ["objectives", i, "metric"] });
      continue;
    }
    const declared = spec.metric_list?.find((m) => m.metric === metric)?.higher_is_better;
    const higher = declared ?? (Object.hasOwn(metricInfo, metric) ? metricInfo[metric as MetricName].higherIsBetter : true);
    out.push({ task: taskPath, taskName: spec.task, metric, weight: o.weight, direction: o.direction ?? (higher ? "maximize" : "minimize") });
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
