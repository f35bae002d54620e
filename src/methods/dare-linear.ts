import { defineTaskVectorMethod } from "./task-vector-merge.js";

/**
 * `dare_linear`: drop task-vector entries at random, match the L1 norm back, sum.
 * Defaults as mergekit: normalize false, rescale true; per model weight (required), density 1.
 */
export const dareLinear = defineTaskVectorMethod({
  name: "dare_linear",
  paper: { title: "Language Models are Super Mario: Absorbing Abilities from Homologous Models as a Free Lunch", url: "https://arxiv.org/abs/2311.03099" },
  sparsifier: "random",
  consensus: false,
  normalize: false,
  rescale: true,
});
