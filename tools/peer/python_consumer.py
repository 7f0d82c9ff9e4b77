#!/usr/bin/python3
"""The script a team would write instead of vggstream: the benchmark's peer (`./vggstream bench --only 8`).

    /usr/bin/python3 tools/peer/python_consumer.py --bootstrap 127.0.0.1:9092 --input in --output out \
        --group peer --processes 2 [--model vgg11 --image-size 32 --resize 32 --width 0.03125 --classes 10]

N processes in one consumer group. Each polls up to 32 records, decodes every JPEG in full with PIL, applies
torchvision's Resize(--resize, the short side; default --image-size) + CenterCrop(--image-size) + ToTensor +
Normalize (ImageNet mean/std), as torchvision's ImageNet recipe does for camera frames (Resize(256) +
CenterCrop(224) for a 224 px model), runs one PyTorch forward pass over the batch and
produces one JSON result per image: {"id": ..., "label": ..., "score": ..., "batchSize": n}. The model is VGG11
(torchvision's layer layout) with every channel and fully connected width multiplied by --width, random weights:
for the benchmark's near-free model only its cost matters. --model probe serves the pipeline ceiling's stand-in
instead (vggstream's bench ProbeModel): the mean of each channel times a fixed 3 x --classes matrix, which costs
microseconds in either framework.

What it guarantees, for the README's comparison: offsets are committed automatically in the background (every 5 s,
whether or not the results were produced), so a crash loses the batch in flight or repeats results; the first
undecodable image raises and ends the process; nothing is dead-lettered.

Prints "ready <pid>" when its model is built and its consumer created, then runs until SIGTERM.
"""

import argparse
import json
import multiprocessing
import signal
import sys

VGG11 = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]
MISSING = ("confluent_kafka", "python3-confluent-kafka"), ("torch", "python3-torch"), \
    ("torchvision", "python3-torchvision"), ("PIL", "python3-pil")


def missing_modules():
    """The Debian packages to install for the modules this interpreter lacks."""
    out = []
    for module, package in MISSING:
        try:
            __import__(module)
        except ImportError:
            out.append(package)
    return out


def scaled(n, width):
    return max(1, int(n * width + 0.5))


def build_model(width, classes):
    import torch
    from torch import nn
    layers, channels = [], 3
    for v in VGG11:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, scaled(v, width), 3, padding=1), nn.ReLU(inplace=True)]
            channels = scaled(v, width)
    fc = scaled(4096, width)
    model = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(7), nn.Flatten(),
                          nn.Linear(channels * 49, fc), nn.ReLU(True), nn.Dropout(),
                          nn.Linear(fc, fc), nn.ReLU(True), nn.Dropout(), nn.Linear(fc, classes))
    torch.manual_seed(1)
    return model.eval()


def build_probe(classes):
    """The bench's ProbeModel: logits = mean over the pixels of each channel @ W, W[c][k] = (c + 1) * (k - 4.5) / 10."""
    import torch
    from torch import nn
    weights = torch.tensor([[(c + 1) * (k - 4.5) / 10 for k in range(classes)] for c in range(3)])

    class Probe(nn.Module):
        def forward(self, x):
            return x.mean((2, 3)) @ weights

    return Probe().eval()


def serve(args):
    import io
    import os
    import torch
    from confluent_kafka import Consumer, Producer
    from PIL import Image
    from torchvision import transforms

    # one process per core: a second intra-op thread per process would only contend for the same cores
    torch.set_num_threads(1)
    model = build_probe(args.classes) if args.model == "probe" else build_model(args.width, args.classes)
    prepare = transforms.Compose([
        transforms.Resize(args.resize or args.image_size), transforms.CenterCrop(args.image_size),
        transforms.ToTensor(), transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group,
                         "auto.offset.reset": "earliest", "enable.auto.commit": True})
    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 5})
    consumer.subscribe([args.input])
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    # one write(2) of a short line: the workers share the pipe, and print() may split a line between writes
    os.write(sys.stdout.fileno(), ("ready %d\n" % os.getpid()).encode())
    with torch.no_grad():
        while running[0]:
            records = [r for r in consumer.consume(32, 0.1) if r.error() is None]
            if not records:
                continue
            images = [prepare(Image.open(io.BytesIO(r.value())).convert("RGB")) for r in records]
            probabilities = torch.softmax(model(torch.stack(images)), 1)
            scores, labels = probabilities.max(1)
            for r, label, score in zip(records, labels.tolist(), scores.tolist()):
                headers = dict(r.headers() or [])
                event_id = headers.get("vggstream.id", b"").decode()
                producer.produce(args.output, key=r.key(), value=json.dumps(
                    {"id": event_id, "label": label, "score": score, "batchSize": len(records)}))
            producer.poll(0)
    producer.flush(10)
    consumer.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--model", choices=["vgg11", "probe"], default="vgg11")
    p.add_argument("--image-size", type=int, default=32)
    p.add_argument("--resize", type=int, default=None, help="short side before the center crop (default: --image-size)")
    p.add_argument("--width", type=float, default=1 / 32)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--check", action="store_true", help="print the Debian packages missing, if any, and exit")
    args = p.parse_args()
    lacking = missing_modules()
    if args.check or lacking:
        print("missing: " + " ".join(lacking) if lacking else "ok", flush=True)
        return 3 if lacking else 0
    workers = [multiprocessing.Process(target=serve, args=(args,)) for _ in range(args.processes)]
    for w in workers:
        w.start()
    signal.signal(signal.SIGTERM, lambda *_: [w.terminate() for w in workers])
    for w in workers:
        w.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
