# The check of lab_demo.sh's full-page screenshot of the report (PNG, RGB or RGBA, 8 bits): it
# has content well down the page, and the report's red (#b3261e: drops and losses) near the
# end of it, where the DDoS chapter is. Pure Python: no imaging package needed.
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, []
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        bpp = 3 if ctype == 2 else 4
    elif kind == b'IDAT':
        idat.append(body)
    pos += 12 + n
raw = zlib.decompress(b''.join(idat))
stride, prev = w * bpp, bytearray(w * bpp)
bg, last, red = None, 0, []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):         # undo the PNG row filters
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + ((a + b) >> 1)) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    px = [tuple(line[x:x + 3]) for x in range(0, stride, bpp)]
    if bg is None:
        bg = px[0]
    if any(p != bg for p in px):
        last = y
    # the report's red (#b3261e): drops and losses
    if any(r > 140 and g < 90 and b_ < 90 for r, g, b_ in px):
        red.append(y)
print('%dx%d, content to row %d, red rows %d, last red at %d' % (w, h, last, len(red), red[-1] if red else -1))
assert last > h // 3, 'page too short for every chapter'
assert red and red[-1] > last * 3 // 4, 'no red figures at the end of the page (the DDoS chapter)'
