#!/usr/bin/env python3
"""Writes the committed MNIST test fixture: the first N training and M test examples of the real MNIST
files, as gzipped IDX, exactly as the originals would be if they had only those records.

usage: scripts/make-mnist-slice.py <dir with the four uncompressed MNIST files> <out dir> [N] [M]
The inputs are the files `verdant datasets fetch mnist` stores (see docs/datasets.md).
"""
import gzip
import struct
import sys
from pathlib import Path

FILES = {
    "train-images-idx3-ubyte": "train",
    "train-labels-idx1-ubyte": "train",
    "t10k-images-idx3-ubyte": "test",
    "t10k-labels-idx1-ubyte": "test",
}


def slice_idx(src: Path, dst: Path, n: int) -> None:
    data = src.read_bytes()
    magic, count = struct.unpack(">II", data[:8])
    dims = magic & 0xFF
    sizes = struct.unpack(">" + "I" * dims, data[4 : 4 + 4 * dims])
    record = 1
    for s in sizes[1:]:
        record *= s
    n = min(n, count)
    header = struct.pack(">I", magic) + struct.pack(">I", n) + b"".join(struct.pack(">I", s) for s in sizes[1:])
    body = data[4 + 4 * dims : 4 + 4 * dims + n * record]
    # mtime=0 keeps the output byte-identical across runs.
    with open(dst, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
        gz.write(header + body)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    m = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    out.mkdir(parents=True, exist_ok=True)
    for name, part in FILES.items():
        slice_idx(src / name, out / (name + ".gz"), n if part == "train" else m)
        print(f"wrote {out / (name + '.gz')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
