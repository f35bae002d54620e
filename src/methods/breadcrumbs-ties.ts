import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `breadcrumbs_ties`: Breadcrumbs sparsification with TIES sign consensus; agreeing entries are summed unless normalize is set.
 * Defaults as mergekit: normalize false, rescale false; per model weight (required), density 1, gamma 0.01.
 */
export const breadcrumbsTies = defineTaskVectorMethod({
  name: "breadcrumbs_ties",
  paper: { title: "Model Breadcrumbs: Scaling Multi-Task Model Merging with Sparse Masks", url: "https://arxiv.org/abs/2312.06795" },
  sparsifier: "magnitude_outliers",
  consensus: true,
  normalize: false,
  rescale: false,
});
