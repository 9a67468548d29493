#!/usr/bin/env python3
"""pngcheck.py FILE WIDTH HEIGHT MIN_COLOURS: a screenshot is a PNG of that size that is not
blank: a decoded look at its pixels (a blank page is one or two colours), sampled every 8th
row and 4th pixel. HEIGHT 0: any height. Prints the size and the colours seen."""
import os
import struct
import sys
import zlib

path, want_w, want_h, min_colours = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, []
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and ctype in (2, 6), 'PNG type %d/%d' % (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b'IDAT':
        idat.append(body)
    pos += 12 + n
raw = zlib.decompress(b''.join(idat))
stride, prev, seen = w * bpp, bytearray(w * bpp), set()
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):  # undo the PNG row filters
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + ((a + b) >> 1)) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 8 == 0:
        seen.update(bytes(line[x:x + 3]) for x in range(0, stride, bpp * 4))
    prev = line
print('%s: %dx%d, %d colours, %d bytes' % (os.path.basename(path), w, h, len(seen), len(data)))
assert w == want_w and (want_h == 0 or h == want_h), 'size %dx%d' % (w, h)
assert len(seen) >= min_colours, 'blank? %d colours' % len(seen)
