/**
 * Bounds on every count and length read from a GGUF file. A header is untrusted input: each number
 * is checked against these constants AND against the bytes left in the file before anything is
 * allocated, so a hostile or corrupt file fails fast with a TensorFormatError instead of hanging or
 * exhausting memory. Each bound is far above what real files use.
 */

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;

/** Versions this reader accepts. v2 moved counts and lengths to 64 bits; v3 added big-endian files only. */
export const GGUF_SUPPORTED_VERSIONS: readonly number[] = [2, 3];

/** Version written by smelt. */
export const GGUF_WRITE_VERSION = 3;

/** Spec default for `general.alignment` when the key is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/**
 * Largest accepted `general.alignment`. The spec only asks for a power of two (llama.cpp checks the
 * same); real files use 32 or 64. 1 MiB keeps the padding between tensors from dwarfing a small file.
 */
export const MAX_ALIGNMENT = 1 << 20;

/**
 * Metadata keys: the spec limits them to 2^16 - 1 bytes ("It must be at most 2^16-1 bytes long").
 */
export const MAX_KEY_LENGTH = 65_535;

/**
 * Tensor names: ggml stores names in a 64-byte field (GGML_MAX_NAME), so llama.cpp never writes longer
 * ones; 64 KiB is lenient for other writers while keeping a bogus length from allocating much.
 */
export const MAX_TENSOR_NAME_LENGTH = 65_535;

/**
 * String values: the largest real ones are chat templates (tens of KiB). 64 MiB leaves room for
 * embedded documents without letting one length field request gigabytes.
 */
export const MAX_STRING_LENGTH = 64 * 1024 * 1024;

/**
 * Array lengths: the largest real arrays are tokenizer vocabularies and merges (a few hundred
 * thousand items). 16 Mi items caps one decoded JS array at ~128 MiB of slots. Lengths are also
 * checked against the bytes left: every item takes at least its encoded minimum size.
 */
export const MAX_ARRAY_LENGTH = 1 << 24;

/**
 * Nesting of arrays of arrays. Real files nest at most once; the bound keeps the recursive parser
 * from being driven into a stack overflow by a chain of "array of array of ..." headers.
 */
export const MAX_ARRAY_DEPTH = 8;

/** Metadata entries. Real files have a few dozen; each also needs at least 13 bytes (checked too). */
export const MAX_METADATA_COUNT = 1 << 20;

/** Tensors. Even large MoE models have tens of thousands; each info needs at least 32 bytes (checked too). */
export const MAX_TENSOR_COUNT = 1 << 20;

/** ggml tensors have at most 4 dimensions (GGML_MAX_DIMS). */
export const MAX_DIMS = 4;

/** Smallest encoded metadata entry: 8-byte key length, empty key, 4-byte type, 1-byte value. */
export const MIN_METADATA_ENTRY_BYTES = 8 + 4 + 1;

/** Smallest encoded tensor info: name length, empty name, n_dims, one dim, type, offset. */
export const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

/** Size of the reads used while parsing the header: big enough that small headers take one read. */
export const HEADER_READ_CHUNK = 1 << 20;
