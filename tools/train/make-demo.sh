#!/usr/bin/env bash
# Rebuilds vggstream-tools/src/main/resources/demo/: trains the demo's Fashion-MNIST VGG with `model train`, copies the SavedModel,
# writes sample test images with their labels, the index and the README numbers.
# Needs Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist). Takes a few minutes on 2 CPUs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
demo=$root/vggstream-tools/src/main/resources/demo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
# The exact command the committed model was made with (README.md repeats it):
./vggstream model train --data "$data" --arch vgg11 --batch-norm --width 0.04 --image-size 32 \
  --epochs 15 --batch-size 128 --lr 0.05 --dropout 0 --augment --padding 2 --out "$work/model"

rm -rf "$demo/model" "$demo/samples"
mkdir -p "$demo/model"
cp -r "$work/model/saved_model.pb" "$work/model/variables" "$work/model/assets.extra" "$demo/model/"
cp "$work/model/metrics.json" "$demo/metrics.json"
java -cp vggstream-tools/target/vggstream.jar "$here/FashionFiles.java" samples "$data" "$demo/samples" 5
java -cp vggstream-tools/target/vggstream.jar "$here/FashionFiles.java" index "$demo"
echo "model size: $(du -sb "$demo/model" | cut -f1) bytes"
grep '"test_accuracy"' "$demo/metrics.json" | tail -1
