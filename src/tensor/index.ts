export type * from "./dtype.js";
export type * from "./tensor-source.js";
