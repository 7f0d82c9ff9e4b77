#!/usr/bin/python3
"""Write camera-like JPEG frames (1280x720, 1920x1080, 3840x2160) made of real photographs, for the benchmarks.

    /usr/bin/python3 tools/frames/make_frames.py OUT_DIR                   # 16 frames per size
    /usr/bin/python3 tools/frames/make_frames.py OUT_DIR --count 4 --sizes 1920x1080

Writes OUT_DIR/<W>x<H>/frame-NNN.jpg for each size, OUT_DIR/photos/<name>.jpg (each photograph alone, at its
native size) and OUT_DIR/manifest.json (every file with its size in bytes). Nothing here is committed: the
benchmark and the tests run this script into a temporary directory.

Why mosaics: a camera frame is 200-700 KB at 1080p because of its photographic detail, and a JPEG's decode cost
follows its entropy-coded bytes. A smooth upscaled picture decodes much faster than a real frame, and noise much
slower. So each frame is tiled from the photographs that Debian's python3-skimage ships (astronaut, coffee, cat,
rocket, Hubble deep field, immunohistochemistry, retina, motorcycle), cropped and mirrored, never scaled: every
pixel is a photograph's pixel at its native resolution.

Deterministic: the layout of frame i of a size comes from numpy's PCG64 seeded with (width, height, i); Pillow
writes the JPEG at quality 85 with 4:2:0 chroma subsampling (as cameras do), optimised Huffman tables off, no
EXIF, no timestamps. Needs Debian's python3-skimage and python3-pil (run with /usr/bin/python3).
"""

import argparse
import json
import os
import sys

import numpy as np
from PIL import Image

QUALITY = 85
DEFAULT_SIZES = ["1280x720", "1920x1080", "3840x2160"]
# Colour photographs in skimage.data (no synthetic images, no greyscale ones)
PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry", "retina",
          "stereo_motorcycle"]
# A cell narrower than this at the end of a row is merged into the cell before it
MIN_CELL = 160


def photographs():
    from skimage import data
    out = {}
    for name in PHOTOS:
        a = getattr(data, name)()
        if isinstance(a, tuple):  # stereo_motorcycle: (left, right, disparity)
            a = a[0]
        out[name] = np.ascontiguousarray(a[:, :, :3].astype(np.uint8))
    return out


def compose(width, height, index, photos):
    """One frame: rows of cells, each a crop of a photograph (mirrored or not), at native resolution."""
    rng = np.random.Generator(np.random.PCG64([width, height, index]))
    names = sorted(photos)
    frame = np.zeros((height, width, 3), dtype=np.uint8)
    heights = sorted({p.shape[0] for p in photos.values()})
    y = 0
    while y < height:
        left = height - y
        h = int(rng.choice(heights))
        if h > left or left - h < MIN_CELL:
            h = left if left <= max(heights) else h
        x = 0
        while x < width:
            remaining = width - x
            tall = [n for n in names if photos[n].shape[0] >= h]
            name = tall[int(rng.integers(len(tall)))]
            p = photos[name]
            w = min(p.shape[1], remaining)
            if remaining - w < MIN_CELL:
                wide = [n for n in tall if photos[n].shape[1] >= remaining]
                if wide:
                    name = wide[int(rng.integers(len(wide)))]
                    p = photos[name]
                    w = remaining
                else:
                    w = max(1, remaining - MIN_CELL)
            top = int(rng.integers(p.shape[0] - h + 1))
            lft = int(rng.integers(p.shape[1] - w + 1))
            cell = p[top:top + h, lft:lft + w]
            if rng.integers(2):
                cell = cell[:, ::-1]
            frame[y:y + h, x:x + w] = cell
            x += w
        y += h
    return frame


def write_jpeg(pixels, path):
    Image.fromarray(pixels, "RGB").save(path, "JPEG", quality=QUALITY, subsampling="4:2:0", optimize=False)
    return os.path.getsize(path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="directory to write into (created if missing)")
    ap.add_argument("--count", type=int, default=16, help="frames per size (default 16)")
    ap.add_argument("--sizes", default=",".join(DEFAULT_SIZES), help="comma-separated WxH (default: %(default)s)")
    a = ap.parse_args(argv)
    try:
        photos = photographs()
    except ImportError as e:
        print("make_frames.py needs python3-skimage and python3-pil: %s" % e, file=sys.stderr)
        return 3
    manifest = {"quality": QUALITY, "photos": {}, "frames": {}}
    os.makedirs(os.path.join(a.out, "photos"), exist_ok=True)
    for name, p in sorted(photos.items()):
        path = os.path.join(a.out, "photos", name + ".jpg")
        manifest["photos"][name] = {"width": p.shape[1], "height": p.shape[0], "bytes": write_jpeg(p, path)}
    for size in a.sizes.split(","):
        w, h = (int(v) for v in size.lower().split("x"))
        d = os.path.join(a.out, "%dx%d" % (w, h))
        os.makedirs(d, exist_ok=True)
        sizes = []
        for i in range(a.count):
            sizes.append(write_jpeg(compose(w, h, i, photos), os.path.join(d, "frame-%03d.jpg" % i)))
        manifest["frames"]["%dx%d" % (w, h)] = {"count": a.count, "bytes": sizes,
                                                  "mean_bytes": sum(sizes) / len(sizes)}
        print("%dx%d: %d frames, mean %.0f KB (%.0f-%.0f)" % (w, h, a.count, sum(sizes) / len(sizes) / 1024,
                                                            min(sizes) / 1024, max(sizes) / 1024))
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
