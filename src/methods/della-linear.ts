import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `della_linear`: MagPrune without sign consensus: the rescaled task vectors are summed.
 * Defaults as mergekit: normalize false, rescale true; per model weight (required), density 1, epsilon 0.15.
 */
export const dellaLinear = defineTaskVectorMethod({
  name: "della_linear",
  paper: { title: "DELLA-Merging: Reducing Interference in Model Merging through Magnitude-Based Sampling", url: "https://arxiv.org/abs/2406.11617" },
  sparsifier: "della_magprune",
  consensus: false,
  normalize: false,
  rescale: true,
});
