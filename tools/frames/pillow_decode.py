#!/usr/bin/env python3
"""Pillow's JPEG decode time per frame, in full and at 1/4 (draft), on one thread.

The floor of image.jpeg-scale=auto without vggstream: libjpeg-turbo's entropy decoding, which no DCT scaling
shortens (README, part 10). Usage: python3 tools/frames/pillow_decode.py FRAMES_DIR/1920x1080
"""
import glob
import io
import sys
import time

from PIL import Image


def main():
    frames = [open(f, "rb").read() for f in sorted(glob.glob(sys.argv[1] + "/*.jpg"))]
    if not frames:
        sys.exit("no *.jpg in " + sys.argv[1])
    for draft in (None, (480, 270)):
        t = time.perf_counter()
        for _ in range(50):
            for b in frames:
                im = Image.open(io.BytesIO(b))
                if draft:
                    im.draft("RGB", draft)
                im.load()  # nothing kept: each decoded image is freed before the next
        ms = (time.perf_counter() - t) / 50 / len(frames) * 1e3
        print("%s: %.2f ms per frame" % ("draft 1/4" if draft else "full", ms))


if __name__ == "__main__":
    main()
