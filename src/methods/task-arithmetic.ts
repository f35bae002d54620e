import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `task_arithmetic`: the weighted sum of task vectors added to the base, no sparsification (density is read but ignored).
 * Defaults as mergekit: normalize false, rescale false; per model weight (required), density 1.
 */
export const taskArithmetic = defineTaskVectorMethod({
  name: "task_arithmetic",
  paper: { title: "Editing Models with Task Arithmetic", url: "https://arxiv.org/abs/2212.04089" },
  sparsifier: "none",
  consensus: false,
  normalize: false,
  rescale: false,
});
