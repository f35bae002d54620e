import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `dare_ties`: DARE's random drop with TIES sign consensus; agreeing entries are summed unless normalize is set.
 * Defaults as mergekit: normalize false, rescale true; per model weight (required), density 1.
 */
export const dareTies = defineTaskVectorMethod({
  name: "dare_ties",
  paper: { title: "Language Models are Super Mario: Absorbing Abilities from Homologous Models as a Free Lunch", url: "https://arxiv.org/abs/2311.03099" },
  sparsifier: "random",
  consensus: true,
  normalize: false,
  rescale: true,
});
