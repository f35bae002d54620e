import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `ties`: trim each task vector to its largest-magnitude entries, elect a sign per entry, average the agreeing entries.
 * Defaults as mergekit: normalize true, rescale false; per model weight (required), density 1.
 */
export const ties = defineTaskVectorMethod({
  name: "ties",
  paper: { title: "TIES-Merging: Resolving Interference When Merging Models", url: "https://arxiv.org/abs/2306.01708" },
  sparsifier: "magnitude",
  consensus: true,
  normalize: true,
  rescale: false,
});
