export { openGguf, GgufSource } from "./open-gguf.js";
export type { GgufTensorInfo } from "./gguf-tensor-info.js";
export type { GgufHeader } from "./parse-gguf-header.js";
export { createGgufSink, GgufSink, type GgufSinkOptions } from "./create-gguf-sink.js";
export { writeGguf, type GgufTensorData, type WriteGgufOptions } from "./write-gguf.js";
export { templateMetadata, ggufFileType, type MetadataOverride } from "./template-metadata.js";
export type { GgufTensorSpec } from "./plan-gguf-layout.js";
export { MAX_WRITTEN_TENSOR_NAME_BYTES as GGUF_MAX_WRITTEN_TENSOR_NAME_BYTES } from "./plan-gguf-layout.js";
export {
  ggufValue,
  ggufEntry,
  ggufValueTypeName,
  GGUF_VALUE_TYPE_IDS,
  type GgufValue,
  type GgufScalarValue,
  type GgufArrayValue,
  type GgufMetadataEntry,
  type GgufValueTypeName,
  type GgufScalarTypeName,
  type GgufScalarJs,
} from "./gguf-value.js";
export { GGML_TYPES, QK_K, ggmlTypeToDType, describeGgmlType, isGgufDType, type GgufDType } from "./ggml-type.js";
export {
  GGUF_MAGIC,
  GGUF_SUPPORTED_VERSIONS,
  GGUF_WRITE_VERSION,
  GGUF_DEFAULT_ALIGNMENT,
  MAX_ALIGNMENT as GGUF_MAX_ALIGNMENT,
  MAX_KEY_LENGTH as GGUF_MAX_KEY_LENGTH,
  MAX_STRING_LENGTH as GGUF_MAX_STRING_LENGTH,
  MAX_ARRAY_LENGTH as GGUF_MAX_ARRAY_LENGTH,
  MAX_ARRAY_DEPTH as GGUF_MAX_ARRAY_DEPTH,
  MAX_METADATA_COUNT as GGUF_MAX_METADATA_COUNT,
  MAX_TENSOR_COUNT as GGUF_MAX_TENSOR_COUNT,
  MAX_DIMS as GGUF_MAX_DIMS,
} from "./gguf-limits.js";
export * from "./quants/index.js";
export { isGgufFile } from "./is-gguf-file.js";
