import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `breadcrumbs`: drop the largest outliers and the smallest entries of each task vector, sum the rest.
 * Defaults as mergekit: normalize false, rescale false; per model weight (required), density 1, gamma 0.01.
 */
export const breadcrumbs = defineTaskVectorMethod({
  name: "breadcrumbs",
  paper: { title: "Model Breadcrumbs: Scaling Multi-Task Model Merging with Sparse Masks", url: "https://arxiv.org/abs/2312.06795" },
  sparsifier: "magnitude_outliers",
  consensus: false,
  normalize: false,
  rescale: false,
});
