#!/usr/bin/env python3
"""Retarget an ELF shared object from one versioned soname to another of the same length.

    retarget-soname.py IN.so OUT.so libcublas.so.12 libcublas.so.13

JCublas 12.6's JNI library imports its symbols from `libcublas.so.12` with that version name attached; a machine
with only CUDA 13 has `libcublas.so.13`, and a symlink cannot help because the loader checks the version name each
imported symbol carries. This rewrites every NUL-terminated OLD string in .dynstr to NEW (DT_NEEDED, the verneed
file name and the verneed version name all change) and recomputes the ELF hash of the renamed verneed entries.
It fixes linking only; whether the CUDA 13 library is ABI-compatible for the calls made is checked by running
them (scripts/gpu/run.sh's cuBLAS check turns the retargeted libraries off when it fails).
"""
import os
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE


def elf_hash(name: bytes) -> int:
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


def main(src, dst, old, new):
    old_b, new_b = old.encode(), new.encode()
    if len(old_b) != len(new_b):
        sys.exit("OLD and NEW must have the same length")
    data = bytearray(open(src, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"{src}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    verneed = [s for s in sections if s[1] == SHT_GNU_VERNEED]
    if not verneed:
        sys.exit(f"{src}: no .gnu.version_r section")
    _, _, _, _, vn_off, _, link, count, _, _ = verneed[0]
    dynstr_off, dynstr_size = sections[link][4], sections[link][5]

    # 1. rename the string in place (every reference to it changes with it)
    renamed, pos = 0, dynstr_off
    while True:
        pos = data.find(old_b + b"\0", pos, dynstr_off + dynstr_size)
        if pos < 0:
            break
        if data[pos - 1] == 0:  # whole string, not the tail of a longer one
            data[pos:pos + len(new_b)] = new_b
            renamed += 1
        pos += 1
    if not renamed:
        sys.exit(f"{src}: {old} not found in .dynstr")

    # 2. fix the hash of every verneed aux entry that now names NEW
    fixed, entry = 0, vn_off
    for _ in range(count):
        _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, entry)
        a = entry + aux
        for _ in range(cnt):
            _, flags, other, name, anext = struct.unpack_from("<IHHII", data, a)
            s = data[dynstr_off + name:data.index(b"\0", dynstr_off + name)]
            if s == new_b:
                struct.pack_into("<I", data, a, elf_hash(new_b))
                fixed += 1
            a += anext
        entry += nxt
    open(dst, "wb").write(data)
    os.chmod(dst, os.stat(src).st_mode & 0o777)
    print(f"{dst}: {renamed} string(s) renamed {old} -> {new}, {fixed} version entr(y/ies) rehashed")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
