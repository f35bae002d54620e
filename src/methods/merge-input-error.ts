import { SmeltError } from "../errors.js";

/**
 * A merge method was handed inputs or parameter values it cannot merge (wrong number of models,
 * a missing base, a density that would drop the whole tensor...). Raised from inside `merge`, where
 * mergekit raises; the message names the method, the tensor and what to change.
 */
export class MergeInputError extends SmeltError {
  readonly method: string;
  readonly tensor: string;
  constructor(method: string, tensor: string, problem: string) {
    super("merge-input", `${method} merge of tensor "${tensor}": ${problem}`);
    this.method = method;
    this.tensor = tensor;
  }
}
