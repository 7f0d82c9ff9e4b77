#!/usr/bin/python3
"""Write the malformed-input corpus under vggstream-tools/src/test/resources/corpus/ (CI never runs this; it reads the files).

    /usr/bin/python3 tools/corpus/make_corpus.py             # (re)write every file
    /usr/bin/python3 tools/corpus/make_corpus.py --check     # write nothing; exit 1 if a committed file differs

Two directories:

  valid/     images that are unusual but valid, which the service must classify: low and high bit depths,
             palettes, alpha, interlacing, every JPEG sampling, CMYK, progressive, restart markers, every EXIF
             orientation, embedded ICC profiles, odd chunk layouts. Every one shows the same picture: four
             flat quadrants of known colours (as displayed, i.e. after the EXIF orientation), so a decoder can be
             checked at the four quadrant centres. manifest.json lists, per file, the displayed size, the probe
             points with their expected RGB and the tolerance (0 for PNG; a few levels for lossy JPEG). Each
             expectation is first checked here against Pillow, the reference decoder.
  invalid/   broken images and things that are not images: truncations, corrupt entropy data, bad CRCs,
             decompression bombs that declare 30000x30000 in a few hundred bytes, a 1x1 image, zip, PDF, text.
  hostile/   valid JPEGs built to be slow: progressive files with ~900 scans per component (the most a legal
             successive-approximation progression allows), each of which costs the JDK's decoder one full output
             pass. A few tens of KB that take the JDK tens of seconds to decode; the decode timeout must stop them.

Encoders: Pillow 9.4 and ImageMagick 6.9 (/usr/bin/convert) where they can write the file; otherwise the small
writers below (PNG of any colour type, bit depth and interlacing; baseline JPEG with restart markers;
progressive JPEG scan scripts; EXIF and ICC segments). Deterministic: no timestamps, fixed seeds.
"""

import argparse
import io
import json
import os
import struct
import subprocess
import sys
import zlib

import warnings

import numpy as np
from PIL import Image, ImageOps, PngImagePlugin

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "vggstream-tools", "src", "test", "resources", "corpus")
CONVERT = "/usr/bin/convert"
MAX_TOTAL_BYTES = 300 * 1024

# The picture every valid file shows, as displayed: four flat quadrants (top-left, top-right, bottom-left,
# bottom-right). Only the top-left one has a red level over 200, so a stand-in model that reports the red of the
# first pixel tells whether the EXIF orientation was applied.
RGB_QUADRANTS = [(220, 40, 40), (40, 200, 60), (50, 60, 210), (130, 220, 50)]
GREY_QUADRANTS = [220, 40, 120, 170]


def quadrants(w, h, colours):
    a = np.zeros((h, w, len(colours[0]) if isinstance(colours[0], tuple) else 1), dtype=np.int64)
    hw, hh = w // 2, h // 2
    for i, (ys, xs) in enumerate([(slice(0, hh), slice(0, hw)), (slice(0, hh), slice(hw, w)),
                                  (slice(hh, h), slice(0, hw)), (slice(hh, h), slice(hw, w))]):
        a[ys, xs] = colours[i]
    return a


def probe_points(w, h):
    return [(w // 4, h // 4), (w // 2 + w // 4, h // 4), (w // 4, h // 2 + h // 4), (w // 2 + w // 4, h // 2 + h // 4)]


# ---- PNG ---------------------------------------------------------------------------------------------------------

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(row, bit_depth):
    """One row of samples (1-D ints) to bytes at the given depth, MSB first, big-endian."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in row)
    if bit_depth == 8:
        return bytes(int(v) for v in row)
    per = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(row), per):
        b = 0
        for j in range(per):
            v = int(row[i + j]) if i + j < len(row) else 0
            b |= v << (8 - bit_depth * (j + 1))
        out.append(b)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(kind, raw, prev, bpp):
    out = bytearray([kind])
    for i, x in enumerate(raw):
        a = raw[i - bpp] if i >= bpp else 0
        b = prev[i] if prev else 0
        c = prev[i - bpp] if prev and i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - pred) & 0xFF)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(samples, color_type, bit_depth, palette=None, trns=None, interlace=False, before_idat=(), after_idat=(),
        idat_pieces=1, empty_idat=False):
    """samples: H x W x channels ints. Rows use filter types 0..4 in turn, so every filter is exercised."""
    h, w, ch = samples.shape
    bpp = max(1, ch * bit_depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    n = 0
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        prev = None
        for row in sub:
            packed = pack_row(row.reshape(-1), bit_depth)
            raw += filter_row(n % 5, packed, prev, bpp)
            prev = packed
            n += 1
    data = zlib.compress(bytes(raw), 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0,
                                                              1 if interlace else 0))
    for c in before_idat:
        out += c
    if palette is not None:
        out += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    step = -(-len(data) // idat_pieces)
    for i in range(0, len(data), step):
        out += chunk(b"IDAT", data[i:i + step])
        if empty_idat:
            out += chunk(b"IDAT", b"")
    for c in after_idat:
        out += c
    return out + chunk(b"IEND", b"")


# ---- JPEG: baseline with restart markers, progressive scan scripts ---------------------------------------------

ZIGZAG = []
for s in range(15):
    rows = range(min(s, 7), max(0, s - 7) - 1, -1) if s % 2 == 0 else range(max(0, s - 7), min(s, 7) + 1)
    ZIGZAG += [r * 8 + (s - r) for r in rows]

DCT = np.array([[(np.sqrt(1 / 8) if u == 0 else np.sqrt(2 / 8)) * np.cos((2 * x + 1) * u * np.pi / 16)
                 for x in range(8)] for u in range(8)])


class Bits:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)
                self.acc = 0
                self.n = 0

    def flush(self):
        while self.n:
            self.put(1, 1)
        return self


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def dht(cls, ident, lengths_to_symbols):
    """lengths_to_symbols: {code length: [symbols]}; returns (segment, {symbol: (code, length)})."""
    counts = [len(lengths_to_symbols.get(n, [])) for n in range(1, 17)]
    symbols = [s for n in range(1, 17) for s in lengths_to_symbols.get(n, [])]
    codes = {}
    code = 0
    for n in range(1, 17):
        for s in lengths_to_symbols.get(n, []):
            codes[s] = (code, n)
            code += 1
        code <<= 1
    return segment(0xC4, bytes([cls << 4 | ident]) + bytes(counts) + bytes(symbols)), codes


# Prefix codes for the baseline encoder: every legal symbol at one length. Wasteful, and valid.
DC_SYMBOLS = {4: list(range(12))}
AC_SYMBOLS = {8: [0x00, 0xF0] + [r << 4 | s for r in range(16) for s in range(1, 11)]}
JFIF = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")


def category(v):
    return int(abs(v)).bit_length()


def magnitude(v, size):
    return v if v >= 0 else v + (1 << size) - 1


def baseline_jpeg(rgb, restart_interval, luma_sampling=(1, 1), quality_scale=0.2):
    """YCbCr baseline JPEG with a DRI segment and RSTn markers every restart_interval MCUs."""
    h, w, _ = rgb.shape
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    planes = [0.299 * r + 0.587 * g + 0.114 * b, -0.168736 * r - 0.331264 * g + 0.5 * b + 128,
              0.5 * r - 0.418688 * g - 0.081312 * b + 128]
    hs, vs = luma_sampling
    mcu_w, mcu_h = 8 * hs, 8 * vs
    mcus_x, mcus_y = -(-w // mcu_w), -(-h // mcu_h)
    padded = [np.pad(p, ((0, mcus_y * mcu_h - h), (0, mcus_x * mcu_w - w)), mode="edge") for p in planes]
    # chroma: average each hs x vs cell
    for i in (1, 2):
        p = padded[i]
        padded[i] = p.reshape(p.shape[0] // vs, vs, p.shape[1] // hs, hs).mean(axis=(1, 3))
    base = np.array([16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
                     14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
                     92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99])
    q = np.clip(np.floor(base * quality_scale + 0.5), 1, 255).astype(int)
    dc_seg, dc_codes = dht(0, 0, DC_SYMBOLS)
    ac_seg, ac_codes = dht(1, 0, AC_SYMBOLS)
    head = b"\xFF\xD8" + JFIF
    head += segment(0xDB, bytes([0]) + bytes(int(q[z]) for z in ZIGZAG))
    head += segment(0xC0, struct.pack(">BHHB", 8, h, w, 3) + bytes([1, hs << 4 | vs, 0, 2, 0x11, 0, 3, 0x11, 0]))
    head += dc_seg + ac_seg + segment(0xDD, struct.pack(">H", restart_interval))
    head += segment(0xDA, bytes([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]))
    bits = Bits()
    pred = [0, 0, 0]
    scan = bytearray()
    mcu = 0
    for my in range(mcus_y):
        for mx in range(mcus_x):
            if mcu and mcu % restart_interval == 0:
                scan += bits.flush().out
                scan += bytes([0xFF, 0xD0 + (mcu // restart_interval - 1) % 8])
                bits = Bits()
                pred = [0, 0, 0]
            blocks = [(0, my * mcu_h + by * 8, mx * mcu_w + bx * 8) for by in range(vs) for bx in range(hs)]
            blocks += [(1, my * 8, mx * 8), (2, my * 8, mx * 8)]
            for comp, y, x in blocks:
                block = padded[comp][y:y + 8, x:x + 8] - 128
                coef = DCT @ block @ DCT.T
                quant = np.round(coef.reshape(-1) / q).astype(int)
                zz = [int(quant[z]) for z in ZIGZAG]
                diff = zz[0] - pred[comp]
                pred[comp] = zz[0]
                size = category(diff)
                bits.put(*dc_codes[size])
                bits.put(magnitude(diff, size), size)
                run = 0
                for k in range(1, 64):
                    v = zz[k]
                    if v == 0:
                        run += 1
                        continue
                    while run > 15:
                        bits.put(*ac_codes[0xF0])
                        run -= 16
                    size = category(v)
                    bits.put(*ac_codes[run << 4 | size])
                    bits.put(magnitude(v, size), size)
                    run = 0
                if run:
                    bits.put(*ac_codes[0x00])
            mcu += 1
    scan += bits.flush().out
    return head + bytes(scan) + b"\xFF\xD9"


def eob_runs(bits, codes, blocks):
    """Codes `blocks` empty blocks as end-of-band runs (EOBn symbols, runs of up to 32767)."""
    while blocks:
        r = min(14, blocks.bit_length() - 1)
        run = min(blocks, (1 << (r + 1)) - 1)
        bits.put(*codes[r << 4])
        bits.put(run - (1 << r), r)
        blocks -= run


def adobe(transform):
    return segment(0xEE, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, transform))


def slow_progressive_jpeg(w, h, components):
    """A flat mid-grey progressive JPEG whose scan script is as long as the standard allows: per component one DC
    scan, then each AC coefficient on its own, first at point transform 13 and refined bit by bit to 0, i.e.
    1 + 63 x 14 = 883 scans per component. Every scan is a few bytes (one end-of-band run); every scan costs the
    JDK's decoder a full output pass of the image."""
    head = b"\xFF\xD8" + (adobe(0) if components == 4 else JFIF)
    head += segment(0xDB, bytes([0]) + bytes([1] * 64))
    ids = list(range(1, components + 1))
    head += segment(0xC2, struct.pack(">BHHB", 8, h, w, components) + b"".join(bytes([i, 0x11, 0]) for i in ids))
    dc_seg, dc_codes = dht(0, 0, {1: [0]})
    ac_seg, ac_codes = dht(1, 0, {4: [r << 4 for r in range(15)]})
    out = bytearray(head + dc_seg + ac_seg)
    blocks = (-(-w // 8)) * (-(-h // 8))
    for cid in ids:
        out += segment(0xDA, bytes([1, cid, 0x00, 0, 0, 0x00]))
        bits = Bits()
        for _ in range(blocks):
            bits.put(*dc_codes[0])
        out += bits.flush().out
        for k in range(1, 64):
            for ah, al in [(0, 13)] + [(a, a - 1) for a in range(13, 0, -1)]:
                out += segment(0xDA, bytes([1, cid, 0x00, k, k, ah << 4 | al]))
                bits = Bits()
                eob_runs(bits, ac_codes, blocks)
                out += bits.flush().out
    return bytes(out) + b"\xFF\xD9"


def exif(orientation, big_endian):
    if big_endian:
        tiff = b"MM\x00\x2a" + struct.pack(">IHHHIHH", 8, 1, 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    else:
        tiff = b"II\x2a\x00" + struct.pack("<IHHHIHH", 8, 1, 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    return b"Exif\x00\x00" + tiff


def icc_profile():
    """A small but complete ICC v2 RGB display profile (matrix/TRC) with wide-gamut (Adobe RGB-like) primaries
    and gamma 2.2: a decoder that colour-manages would change the pixel values, Pillow does not."""
    def s15(v):
        return struct.pack(">i", int(round(v * 65536)))

    def xyz(x, y, z):
        return b"XYZ \x00\x00\x00\x00" + s15(x) + s15(y) + s15(z)

    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, int(2.2 * 256)) + b"\x00\x00"
    desc_text = b"vggstream test wide RGB\x00"
    desc = b"desc\x00\x00\x00\x00" + struct.pack(">I", len(desc_text)) + desc_text + b"\x00" * 12 + b"\x00" * 67
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(0.6097, 0.3111, 0.0195)),
            (b"gXYZ", xyz(0.2053, 0.6257, 0.0609)), (b"bXYZ", xyz(0.1492, 0.0632, 0.7446)),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve), (b"cprt", b"text\x00\x00\x00\x00none\x00")]
    table = struct.pack(">I", len(tags))
    body = b""
    offset = 128 + 4 + 12 * len(tags)
    for sig, data in tags:
        while (offset + len(body)) % 4:
            body += b"\x00"
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = 128 + len(table) + len(body)
    header = struct.pack(">I", size) + b"none" + b"\x02\x10\x00\x00" + b"mntr" + b"RGB " + b"XYZ "
    header += b"\x00" * 12 + b"acsp" + b"none" + b"\x00" * 4 + b"none" + b"none" + b"\x00" * 8 + b"\x00" * 4
    header += s15(0.9642) + s15(1.0) + s15(0.8249) + b"none"
    header += b"\x00" * (128 - len(header))
    return header + table + body


# ---- encoders --------------------------------------------------------------------------------------------------

def pillow(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def magick(rgb, *args):
    h, w, _ = rgb.shape
    ppm = b"P6 %d %d 255\n" % (w, h) + rgb.astype(np.uint8).tobytes()
    return subprocess.run([CONVERT, "ppm:-", *args, "jpg:-"], input=ppm, capture_output=True, check=True).stdout


# Inverse of each EXIF orientation's display transform: what to store so that the picture displays as drawn.
STORE_FOR = {1: None, 2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM, 5: Image.TRANSPOSE,
             6: Image.ROTATE_90, 7: Image.TRANSVERSE, 8: Image.ROTATE_270}


def valid_files():
    """(name, bytes, displayed RGB array, tolerance, description)"""
    files = []
    W, H = 48, 32
    rgb = quadrants(W, H, RGB_QUADRANTS)
    grey = quadrants(W, H, [(v,) for v in GREY_QUADRANTS])
    rgb_img = Image.fromarray(rgb.astype(np.uint8), "RGB")

    def add(name, data, shown, tol, desc):
        files.append((name, data, shown, tol, desc))

    # PNG: every colour type and depth, through the writer above (Pillow cannot write most of these)
    def grey_levels(levels):
        return quadrants(W, H, [(v,) for v in levels])

    for depth, levels in [(1, [1, 0, 0, 1]), (2, [3, 0, 1, 2]), (4, [13, 2, 7, 10])]:
        scale = 255 // ((1 << depth) - 1)
        add(f"grey{depth}.png", png(grey_levels(levels), 0, depth),
            np.repeat(grey_levels(levels) * scale, 3, axis=2), 0, f"{depth}-bit greyscale")
    add("grey16_alpha.png", png(np.concatenate([grey * 257 + 3, np.full((H, W, 1), 40000)], axis=2), 4, 16),
        np.repeat(grey, 3, axis=2), 0, "16-bit grey + alpha (colour type 4)")
    add("rgba16.png", png(np.concatenate([rgb * 257 + 1, np.full((H, W, 1), 30000)], axis=2), 6, 16), rgb, 0,
        "16-bit RGBA")
    add("rgb16_interlaced.png", png(rgb * 257 + 7, 2, 16, interlace=True), rgb, 0, "16-bit RGB, Adam7 interlaced")
    add("rgb_interlaced.png", png(rgb, 2, 8, interlace=True), rgb, 0, "8-bit RGB, Adam7 interlaced")
    add("grey_alpha_interlaced.png", png(np.concatenate([grey, np.full((H, W, 1), 128)], axis=2), 4, 8,
                                          interlace=True), np.repeat(grey, 3, axis=2), 0,
        "8-bit grey + alpha, interlaced")
    palette = RGB_QUADRANTS + [(0, 0, 0)]
    idx = quadrants(W, H, [(0,), (1,), (2,), (3,)])
    for depth in (1, 2, 4):
        if depth == 1:
            pal, ix = palette[:2], quadrants(W, H, [(0,), (1,), (1,), (0,)])
            shown = quadrants(W, H, [palette[0], palette[1], palette[1], palette[0]])
        else:
            pal, ix, shown = palette, idx, rgb
        add(f"palette{depth}.png", png(ix, 3, depth, palette=pal), shown, 0, f"{depth}-bit palette")
    add("palette4_interlaced_trns.png", png(idx, 3, 4, palette=palette, trns=bytes([255, 0, 128]), interlace=True),
        rgb, 0, "4-bit palette, interlaced, partly transparent (tRNS; alpha is dropped, not composited)")
    add("grey_trns.png", png(grey, 0, 8, trns=struct.pack(">H", 40)), np.repeat(grey, 3, axis=2), 0,
        "8-bit grey with a transparent grey level (tRNS)")
    add("rgb16_trns.png", png(rgb * 257, 2, 16, trns=struct.pack(">HHH", 220 * 257, 40 * 257, 40 * 257)), rgb, 0,
        "16-bit RGB with a transparent colour (tRNS)")
    text = [chunk(b"tEXt", b"Comment\x00made by make_corpus.py"),
            chunk(b"zTXt", b"Description\x00\x00" + zlib.compress(b"four quadrants " * 40)),
            chunk(b"iTXt", b"Title\x00\x01\x00en\x00Titel\x00" + zlib.compress("Vier Felder".encode())),
            chunk(b"tIME", struct.pack(">HBBBBB", 2026, 11, 27, 20, 0, 0)),
            chunk(b"pHYs", struct.pack(">IIB", 3780, 3780, 1)), chunk(b"prVt", b"a private ancillary chunk")]
    add("palette8_metadata.png", png(idx, 3, 8, palette=palette, before_idat=[chunk(b"gAMA", struct.pack(">I", 45455)),
                                                                               chunk(b"sRGB", b"\x00")] + text,
                                     after_idat=text[:2]),
        rgb, 0, "8-bit palette with gAMA, sRGB, tEXt, zTXt, iTXt, tIME, pHYs and a private chunk, some after IDAT")
    add("rgb_split_idat.png", png(rgb, 2, 8, idat_pieces=7, empty_idat=True), rgb, 0,
        "image data split over 7 IDAT chunks with empty IDAT chunks between them")
    apng = [chunk(b"acTL", struct.pack(">II", 1, 0)),
            chunk(b"fcTL", struct.pack(">IIIIIHHBB", 0, W, H, 0, 0, 1, 10, 0, 0))]
    add("animated.png", png(rgb, 2, 8, before_idat=apng), rgb, 0, "APNG (acTL/fcTL): its default image is read")
    add("rgb_icc.png", png(rgb, 2, 8, before_idat=[chunk(b"iCCP", b"wide\x00\x00" + zlib.compress(icc_profile()))]),
        rgb, 0, "8-bit RGB with an embedded wide-gamut ICC profile (iCCP): samples are used as stored")
    bomb_text = zlib.compress(b"\x00" * (16 << 20), 9)
    add("palette_text_bombs.png", png(idx, 3, 8, palette=palette,
                                      before_idat=[chunk(b"zTXt", b"bomb\x00\x00" + bomb_text),
                                                   chunk(b"iTXt", b"bomb\x00\x01\x00\x00\x00" + bomb_text)]),
        rgb, 0, "8-bit palette with a zTXt and an iTXt chunk that each inflate to 16 MB: text is not decoded (Pillow refuses "
        "the image unless its MAX_TEXT_CHUNK is raised)")
    add("min_side_8.png", png(quadrants(8, 64, RGB_QUADRANTS), 2, 8), quadrants(8, 64, RGB_QUADRANTS), 0,
        "8x64: exactly the smallest side accepted (image.min-side 8)")

    # JPEG
    add("sampling444.jpg", pillow(rgb_img, "JPEG", quality=95, subsampling=0), rgb, 6, "baseline, 4:4:4")
    add("sampling422.jpg", pillow(rgb_img, "JPEG", quality=95, subsampling=1), rgb, 8, "baseline, 4:2:2")
    add("sampling411.jpg", magick(rgb, "-quality", "95", "-sampling-factor", "4x1"), rgb, 10, "baseline, 4:1:1")
    add("sampling440.jpg", magick(rgb, "-quality", "95", "-sampling-factor", "1x2"), rgb, 8, "baseline, 4:4:0")
    odd = quadrants(37, 29, RGB_QUADRANTS)
    add("odd_size.jpg", pillow(Image.fromarray(odd.astype(np.uint8)), "JPEG", quality=95), odd, 10,
        "37x29 (not a whole number of MCUs), 4:2:0")
    add("grey.jpg", pillow(Image.fromarray(grey[..., 0].astype(np.uint8), "L"), "JPEG", quality=95),
        np.repeat(grey, 3, axis=2), 4, "greyscale (one component)")
    add("progressive.jpg", pillow(rgb_img, "JPEG", quality=95, progressive=True), rgb, 8,
        "progressive (Pillow's default scan script)")
    add("progressive_optimized_magick.jpg", magick(rgb, "-quality", "92", "-interlace", "JPEG"), rgb, 10,
        "progressive, ImageMagick")
    add("restart_markers.jpg", baseline_jpeg(rgb, 3), rgb, 8, "baseline 4:4:4 with a restart marker every 3 MCUs")
    add("restart_markers_420.jpg", baseline_jpeg(rgb, 2, (2, 2)), rgb, 10,
        "baseline 4:2:0 with a restart marker every 2 MCUs")
    add("rgb_colourspace.jpg", magick(rgb, "-quality", "95", "-define", "jpeg:colorspace=2", "-sampling-factor", "1x1"),
        rgb, 6, "components stored as R, G, B (Adobe transform 0), not YCbCr")
    cmyk = Image.fromarray(rgb.astype(np.uint8)).convert("CMYK")
    add("cmyk.jpg", pillow(cmyk, "JPEG", quality=95), None, 12, "CMYK (inverted, Adobe APP14), Pillow")
    add("cmyk_progressive.jpg", magick(rgb, "-colorspace", "CMYK", "-quality", "95", "-interlace", "JPEG"), None, 12,
        "CMYK, progressive, ImageMagick")
    add("icc_wide_gamut.jpg", pillow(rgb_img, "JPEG", quality=95, subsampling=0, icc_profile=icc_profile()), rgb, 6,
        "embedded wide-gamut ICC profile: samples are used as stored, as Pillow does, not colour-converted")
    add("icc_garbage.jpg", pillow(rgb_img, "JPEG", quality=95, subsampling=0, icc_profile=b"not an ICC profile" * 9),
        rgb, 6, "an ICC_PROFILE segment holding garbage: the profile is ignored, the picture is fine")
    add("comment_and_app_segments.jpg",
        pillow(rgb_img, "JPEG", quality=95, subsampling=0, comment=b"x" * 30000,
               extra=segment(0xEC, b"Ducky" + b"\x00" * 40)), rgb, 6,
        "a 30 KB comment and an APP12 segment")
    for o in range(1, 9):
        stored = rgb_img if STORE_FOR[o] is None else rgb_img.transpose(STORE_FOR[o])
        add(f"exif_orientation{o}.jpg", pillow(stored, "JPEG", quality=95, subsampling=0, exif=exif(o, o % 2 == 0)),
            rgb, 6, f"EXIF orientation {o} ({'big' if o % 2 == 0 else 'little'}-endian TIFF): stored "
                    f"{stored.width}x{stored.height}, displayed 48x32")
    return files


def invalid_files():
    """(name, bytes, description)"""
    W, H = 48, 32
    rgb = quadrants(W, H, RGB_QUADRANTS)
    rgb_img = Image.fromarray(rgb.astype(np.uint8), "RGB")
    rng = np.random.Generator(np.random.PCG64(20261127))
    noise = Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8), "RGB")
    jpeg = pillow(noise, "JPEG", quality=90)
    good_png = png(rgb, 2, 8)
    files = []

    def add(name, data, desc):
        files.append((name, data, desc))

    sos = jpeg.index(b"\xFF\xDA")
    add("truncated.jpg", jpeg[:sos + (len(jpeg) - sos) // 2], "a JPEG cut in the middle of its scan data")
    add("truncated_header.jpg", jpeg[:sos - 40], "a JPEG cut inside its header segments")
    corrupt = bytearray(jpeg)
    start = sos + 2 + struct.unpack(">H", jpeg[sos + 2:sos + 4])[0]
    garbage = rng.integers(0, 255, 200, dtype=np.uint8)  # 0..254: no 0xFF, so no false markers
    corrupt[start + 100:start + 300] = bytes(garbage)
    add("corrupt_entropy.jpg", bytes(corrupt), "200 bytes of the entropy-coded data replaced by random bytes")
    no_sof = jpeg[:2] + jpeg[sos:]
    add("no_frame_header.jpg", no_sof, "SOI then straight to the scan: no SOF")
    bad_crc = bytearray(good_png)
    idat = good_png.index(b"IDAT")
    bad_crc[idat + 10] ^= 0x01
    add("bad_crc.png", bytes(bad_crc), "one bit of IDAT flipped: its CRC no longer matches")
    add("truncated.png", good_png[:len(good_png) * 2 // 3], "a PNG cut inside its IDAT chunk")
    raw_rows = b"".join(b"\x00" + bytes(3 * W) for _ in range(H // 2))  # half the rows
    add("short_image_data.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw_rows)) + chunk(b"IEND", b""),
        "valid chunks and CRCs, but the compressed data holds only half the rows")
    bad_zlib = zlib.compress(b"\x00" * (3 * W + 1) * H)
    bad_zlib = bad_zlib[:2] + bytes([bad_zlib[2] ^ 0xFF]) + bad_zlib[3:]
    add("bad_zlib.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", bad_zlib) + chunk(b"IEND", b""), "valid chunks and CRCs around a corrupt zlib stream")
    # decompression bombs: a few hundred bytes declaring 30000 x 30000 (2.7 GB of RGB); the data is a valid zlib
    # stream of the first rows, with valid CRCs, so only the declared size gives it away
    first_rows = b"".join(b"\x00" + bytes(3 * 30000) for _ in range(4))
    add("bomb_30000x30000.png", b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(first_rows, 9)) + chunk(b"IEND", b""),
        "a PNG of a few hundred bytes declaring 30000x30000 (900 MP)")
    sof = jpeg.index(b"\xFF\xC0")
    bomb = bytearray(jpeg)
    bomb[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
    add("bomb_65000x65000.jpg", bytes(bomb), "a 2 KB JPEG whose frame header declares 65000x65000 (4.2 GP)")
    # bombs under the pixel limit: 36 MP declared, a few KB of data; a decoder would allocate the whole image
    under = bytearray(jpeg)
    under[sof + 5:sof + 9] = struct.pack(">HH", 6000, 6000)
    add("underfilled_6000x6000.jpg", bytes(under), "a 4 KB JPEG whose frame header declares 6000x6000 (36 MP, within "
        "the pixel limit): far too little scan data for that many blocks")
    add("underfilled_6000x6000.png", b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 6000, 6000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + bytes(3 * 6000) for _ in range(16)), 9))
        + chunk(b"IEND", b""), "a PNG declaring 6000x6000 RGB whose compressed data (16 rows) cannot inflate to 108 MB")
    add("one_by_one.png", png(np.array([[[200, 10, 10]]]), 2, 8), "a valid 1x1 PNG")
    add("one_by_one.jpg", pillow(Image.new("RGB", (1, 1), (200, 10, 10)), "JPEG"), "a valid 1x1 JPEG")
    add("thin_4x200.png", png(quadrants(4, 200, RGB_QUADRANTS), 2, 8), "a valid 4x200 PNG: one side under 8")
    zero = bytearray(good_png)
    zero[16:20] = b"\x00\x00\x00\x00"
    zero[29:33] = struct.pack(">I", zlib.crc32(bytes(zero[12:29])) & 0xFFFFFFFF)
    add("zero_width.png", bytes(zero), "IHDR declares a width of 0 (CRC correct)")
    add("no_iend.png", good_png[:-12], "a PNG without its IEND chunk")
    add("gif.gif", pillow(rgb_img.convert("P"), "GIF"), "a GIF: a real image, but not JPEG or PNG")
    add("bmp.bmp", pillow(rgb_img, "BMP"), "a BMP")
    add("webp_header.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24), "the start of a WebP")
    buf = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("hello.txt", date_time=(2026, 11, 27, 20, 0, 0))
        z.writestr(info, "hello " * 50)
    add("archive.zip", buf.getvalue(), "a zip archive")
    add("document.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n", "a minimal PDF")
    add("text.txt", b"this is not an image, just a line of text\n", "plain text")
    add("binary_noise.bin", bytes(rng.integers(0, 256, 512, dtype=np.uint8)), "512 random bytes")
    return files


def hostile_files():
    return [("slow_progressive_ycc_1024.jpg", slow_progressive_jpeg(1024, 1024, 3),
             "1024x1024 YCbCr, 3 x 883 scans: valid, and takes the JDK decoder a full output pass per scan"),
            ("slow_progressive_cmyk_512.jpg", slow_progressive_jpeg(512, 512, 4),
             "512x512 CMYK (Adobe, read by TwelveMonkeys through the JDK decoder), 4 x 883 scans")]


# ---- checks against Pillow ---------------------------------------------------------------------------------------

def pillow_view(data):
    # Pillow refuses text chunks inflating beyond 1 MB (its own bomb guard) and with them the whole image; the
    # pixels are what is compared here
    PngImagePlugin.MAX_TEXT_CHUNK = 64 << 20
    im = Image.open(io.BytesIO(data))
    im.load()
    im = ImageOps.exif_transpose(im)
    if im.mode in ("I;16", "I;16B", "I"):
        a = np.asarray(im, dtype=np.int64) >> 8
        return np.repeat(a[..., None], 3, axis=2)
    return np.asarray(im.convert("RGB"), dtype=np.int64)


def manifest_entry(name, data, shown, tol, desc):
    view = pillow_view(data)
    h, w, _ = view.shape
    if shown is None:  # CMYK: the expectation is Pillow's own conversion
        shown = view
    assert shown.shape == view.shape, (name, shown.shape, view.shape)
    probes = []
    for x, y in probe_points(w, h):
        want = [int(v) for v in shown[y, x]]
        got = [int(v) for v in view[y, x]]
        assert max(abs(a - b) for a, b in zip(want, got)) <= tol, (name, x, y, want, got)
        probes.append({"x": x, "y": y, "rgb": want})
    return {"file": name, "bytes": len(data), "width": w, "height": h, "tolerance": tol, "probes": probes,
            "description": desc}


def build():
    out = {}
    manifest = {"about": "Unusual but valid images: each must decode to width x height with the probe pixels "
                         "within tolerance (as displayed: EXIF orientation applied; alpha dropped; 16-bit samples "
                         "reduced to their high byte). Made by tools/corpus/make_corpus.py; checked against Pillow "
                         + Image.__version__ + ".", "valid": [], "invalid": [], "hostile": []}
    for name, data, shown, tol, desc in valid_files():
        out["valid/" + name] = data
        manifest["valid"].append(manifest_entry(name, data, shown, tol, desc))
    for name, data, desc in invalid_files():
        out["invalid/" + name] = data
        manifest["invalid"].append({"file": name, "bytes": len(data), "description": desc})
    for name, data, desc in hostile_files():
        out["hostile/" + name] = data
        view = pillow_view(data)  # valid: Pillow (libjpeg-turbo) decodes it, to one flat colour
        assert view.max() - view.min() <= 1, name
        manifest["hostile"].append({"file": name, "bytes": len(data), "width": view.shape[1],
                                    "height": view.shape[0], "description": desc})
    out["manifest.json"] = (json.dumps(manifest, indent=1) + "\n").encode()
    total = sum(len(v) for v in out.values())
    assert total <= MAX_TOTAL_BYTES, f"corpus is {total} bytes, over {MAX_TOTAL_BYTES}"
    return out, total


def main():
    warnings.simplefilter("ignore", UserWarning)  # Pillow on palette tRNS, which is what is being tested
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = ap.parse_args()
    files, total = build()
    differ = []
    for rel, data in sorted(files.items()):
        path = os.path.join(OUT, rel)
        if args.check:
            if not os.path.exists(path) or open(path, "rb").read() != data:
                differ.append(rel)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print(f"{len(files)} files, {total} bytes" + (f"; differ: {differ}" if differ else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
