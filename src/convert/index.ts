export { convertHfToGguf, CONVERTIBLE_ARCHITECTURES, type ConvertOptions, type ConvertResult } from "./convert-hf-to-gguf.js";
