import { SmeltError } from "../errors.js";

/** A recipe names a `merge_method` smelt does not implement. Lists the known names so the fix is obvious. */
export class UnknownMethodError extends SmeltError {
  readonly method: string;
  readonly known: readonly string[];
  constructor(method: string, known: readonly string[]) {
    super(
      "unknown-method",
      `unknown merge_method "${method}": use one of ${known.join(", ")}`,
    );
    this.method = method;
    this.known = known;
  }
}
