export type * from "./dtype.js";
export type * from "./tensor-source.js";
export * from "./codecs/index.js";
export * from "./safetensors/index.js";
export * from "./gguf/index.js";
export { readRawInto } from "./read-raw-into.js";
