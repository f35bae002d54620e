import { SmeltError } from "../errors.js";

/**
 * An optimiser was driven out of contract: told results for candidates it did not ask for, given
 * options it cannot work with, or restored from a snapshot that is not one of its own. These are
 * bugs in the caller or a corrupted run directory, not bad user input, so they get their own
 * class rather than RecipeError.
 */
export class OptimiserError extends SmeltError {
  constructor(message: string) {
    super("optimiser", message);
  }
}
