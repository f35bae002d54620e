import { arceeFusion } from "./arcee-fusion.js";
import { breadcrumbs } from "./breadcrumbs.js";
import { breadcrumbsTies } from "./breadcrumbs-ties.js";
import { dareLinear } from "./dare-linear.js";
import { dareTies } from "./dare-ties.js";
import type { MergeMethod } from "./define-merge-method.js";
import { della } from "./della.js";
import { dellaLinear } from "./della-linear.js";
import { karcher } from "./karcher.js";
import { linear } from "./linear.js";
import { modelStock } from "./model-stock.js";
import { multislerp } from "./multislerp.js";
import { nearswap } from "./nearswap.js";
import { nuslerp } from "./nuslerp.js";
import { passthrough } from "./passthrough.js";
import { ram } from "./ram.js";
import { ramplusTl } from "./ramplus-tl.js";
import { sce } from "./sce.js";
import { slerp } from "./slerp.js";
import { taskArithmetic } from "./task-arithmetic.js";
import { ties } from "./ties.js";
import { UnknownMethodError } from "./unknown-method-error.js";

/** Any method, with its parameter types erased (callers parse params through its schemas). */
export type AnyMergeMethod = MergeMethod<unknown, unknown>;

/** Every method smelt implements, keyed by its mergekit `merge_method` name. */
export const mergeMethods = Object.freeze({
  linear,
  slerp,
  nuslerp,
  multislerp,
  karcher,
  task_arithmetic: taskArithmetic,
  ties,
  dare_linear: dareLinear,
  dare_ties: dareTies,
  della,
  della_linear: dellaLinear,
  breadcrumbs,
  breadcrumbs_ties: breadcrumbsTies,
  sce,
  model_stock: modelStock,
  nearswap,
  arcee_fusion: arceeFusion,
  ram,
  ramplus_tl: ramplusTl,
  passthrough,
} satisfies Record<string, AnyMergeMethod>);

export type MergeMethodName = keyof typeof mergeMethods;

export function isMergeMethodName(name: string): name is MergeMethodName {
  return Object.hasOwn(mergeMethods, name);
}

/** Looks a method up by its mergekit name; throws UnknownMethodError listing the known names. */
export function getMergeMethod(name: string): AnyMergeMethod {
  if (!isMergeMethodName(name)) throw new UnknownMethodError(name, Object.keys(mergeMethods));
  return mergeMethods[name] as AnyMergeMethod;
}
