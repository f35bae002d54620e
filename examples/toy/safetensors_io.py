"""Minimal safetensors writer/reader (Debian ships no `safetensors` package).

Format (https://github.com/huggingface/safetensors): u64 little-endian header length N, N bytes of
JSON {name: {dtype, shape, data_offsets: [begin, end]}} (padded with spaces to a multiple of 8 so
the data is aligned), then the raw little-endian tensor bytes, contiguous, in header order.
"""
import json
import struct
import numpy as np
import torch


def to_bf16_bytes(t: torch.Tensor) -> bytes:
    return t.detach().to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()


def write_bf16(path, tensors: dict, metadata=None):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        b = to_bf16_bytes(tensors[name])
        header[name] = {"dtype": "BF16", "shape": list(tensors[name].shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read(path) -> dict:
    """Returns float32 tensors (bf16 values widened exactly)."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data, out = raw[8 + n:], {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        if info["dtype"] == "BF16":
            u = np.frombuffer(data[a:b], dtype="<u2").astype(np.uint32) << 16
            out[name] = torch.from_numpy(u.view(np.float32).reshape(info["shape"]).copy())
        elif info["dtype"] == "F32":
            out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"]).copy())
        else:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}; this reader handles BF16 and F32")
    return out
