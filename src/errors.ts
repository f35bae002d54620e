/**
 * smelt's typed errors. The set is kept small on purpose (house style §9): each says what went
 * wrong, where, and what to do next, and carries structured fields so callers can react without
 * parsing messages.
 */

/** Base class: every error smelt raises for bad input or environment derives from it. */
export class SmeltError extends Error {
  /** A short machine-readable code, stable across versions (e.g. "tensor-format"). */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A weights file (safetensors, GGUF, index JSON) is malformed, truncated or unsupported. */
export class TensorFormatError extends SmeltError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super("tensor-format", `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** Tensors that must agree in shape do not. */
export class ShapeMismatchError extends SmeltError {
  readonly tensor: string;
  constructor(tensor: string, detail: string) {
    super("shape-mismatch", `tensor "${tensor}": ${detail}`);
    this.tensor = tensor;
  }
}

/** One problem found in a YAML/JSON document, with the path to the offending value. */
export interface Issue {
  readonly message: string;
  readonly path: readonly (string | number)[];
}

/** Formats issues the way zod's prettifyError does: `✖ message` / `  → at a.b.1`. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => (i.path.length > 0 ? `✖ ${i.message}\n  → at ${i.path.join(".")}` : `✖ ${i.message}`))
    .join("\n");
}

/** A recipe, search space or task spec failed validation. Carries every issue found. */
export class RecipeError extends SmeltError {
  readonly issues: readonly Issue[];
  readonly source: string;
  constructor(source: string, issues: readonly Issue[]) {
    super("recipe", `${source} is not valid:\n${formatIssues(issues)}`);
    this.source = source;
    this.issues = issues;
  }
}

/** The inference backend (llama.cpp) failed to load or run a model. */
export class EvalBackendError extends SmeltError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("eval-backend", message, options);
  }
}

/** An output could not be written (exists, unwritable, disk full). Nothing partial is left behind. */
export class OutputError extends SmeltError {
  readonly output: string;
  constructor(output: string, problem: string, options?: { cause?: unknown }) {
    super("output", `${output}: ${problem}`, options);
    this.output = output;
  }
}

/**
 * A model folder cannot be converted to GGUF as it is: an unsupported config field, tokenizer or
 * tensor layout. `file` is the file that says so (config.json, tokenizer.json, a weights file).
 * Conversion refuses rather than guesses: a GGUF that loads but computes something else is worse
 * than no GGUF.
 */
export class ConversionError extends SmeltError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "convert", `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** config.json names an architecture smelt cannot convert. Lists the ones it can. */
export class UnknownArchitectureError extends ConversionError {
  readonly architecture: string;
  readonly supported: readonly string[];
  constructor(file: string, architecture: string, supported: readonly string[]) {
    super(file, `architecture "${architecture}" cannot be converted to GGUF; supported: ${supported.join(", ")}`, { code: "unknown-architecture" });
    this.architecture = architecture;
    this.supported = supported;
  }
}

/** config.json lacks a key the conversion needs. */
export class MissingConfigKeyError extends ConversionError {
  readonly key: string;
  constructor(file: string, key: string, why: string) {
    super(file, `the key "${key}" is missing; ${why}`, { code: "missing-config-key" });
    this.key = key;
  }
}
