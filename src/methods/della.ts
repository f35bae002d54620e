import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `della`: magnitude-ranked random pruning (MagPrune) with TIES sign consensus, averaged.
 * Defaults as mergekit: normalize true, rescale true; per model weight (required), density 1, epsilon 0.15.
 */
export const della = defineTaskVectorMethod({
  name: "della",
  paper: {
    title: "DELLA-Merging: Reducing Interference in Model Merging through Magnitude-Based Sampling",
    url: "https://arxiv.org/abs/2406.11617",
  },
  sparsifier: "della_magprune",
  consensus: true,
  normalize: true,
  rescale: true,
});
