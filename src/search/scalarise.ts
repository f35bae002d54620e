/**
 * The fitness of a candidate from its objective values (each oriented so that higher is
 * better, i.e. minimised metrics already negated): the weighted sum Σ w_i v_i, as
 * mergekit-evolve's weighted task sum. The loop hands -fitness to the optimiser as its loss.
 * A NaN objective (a task that failed) makes the fitness NaN, which the optimisers rank last.
 */
export function scalarise(objectives: readonly number[], weights: readonly number[]): number {
  if (objectives.length !== weights.length) {
    throw new RangeError(`scalarise needs one weight per objective: ${objectives.length} objectives, ${weights.length} weights`);
  }
  let sum = 0;
  for (let i = 0; i < objectives.length; i++) sum += weights[i] * objectives[i];
  return sum;
}
