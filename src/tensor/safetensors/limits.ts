/**
 * Bounds on numbers read from a safetensors header (house style §8). A header is untrusted input:
 * without bounds, a 16-byte file could ask us to allocate exabytes or loop over billions of dims.
 */

/**
 * Largest JSON header we accept, in bytes. The reference implementation (huggingface/safetensors)
 * refuses headers over 100,000,000 bytes; we use the same number so any file it writes, we read.
 * Real headers are far smaller (a 70B Llama shard's header is well under 100 KB).
 */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/**
 * Most dimensions a tensor may have. numpy's classic NPY_MAXDIMS is 32; model weights use 0–4 and
 * no framework writes more than 32, so anything above is corruption. Bounding it keeps the
 * per-entry validation work constant.
 */
export const SAFETENSORS_MAX_RANK = 32;

/**
 * Largest single dimension we accept: 2^40 elements (~1.1 trillion). The largest real dimension is
 * a vocabulary of a few hundred thousand; 2^40 leaves room for flattened tensors while keeping every
 * dim, and thus each step of the running element-count product, far from 2^53 where doubles stop
 * counting exactly.
 */
export const SAFETENSORS_MAX_DIM = 2 ** 40;

/**
 * Largest read issued in one `FileHandle.read` call. Node refuses single reads above 2 GiB - 1
 * (kIoMaxLength), so bigger tensors are read in chunks of this size.
 */
export const MAX_READ_CHUNK_BYTES = 1 << 30;
