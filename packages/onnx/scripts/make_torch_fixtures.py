#!/usr/bin/python3
"""Makes the PyTorch fixtures of @unet/onnx's import test: narrow U-Nets built by the PyTorch
reference (../shared/bench/torch_unet.py), seeded, exported to ONNX as torch_unet.py --export-onnx
does (eval mode, opset 13, input 'x' NCHW, output 'y' logits), with an input and PyTorch's output.

Needs Debian's python3-torch (PyTorch 1.13, CPU). Run from the repository root:
  /usr/bin/python3 packages/onnx/scripts/make_torch_fixtures.py [--out packages/onnx/src/__fixtures__/torch]
      [--presets]   also the two full presets of torch_unet.py (large: not for committing)
Writes NAME.onnx, NAME.input.bin and NAME.output.bin (float32, little-endian, NCHW) and
manifest.json: per fixture the shapes and the UNetConfig fields the import must find.
"""
import argparse, json, os, sys
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'bench'))
sys.path.insert(0, os.path.join(os.getcwd(), '..', 'shared', 'bench'))
import torch_unet  # noqa: E402


class BilinearUNet(torch_unet.UNet):
    """torch_unet's U-Net with the common bilinear variant: Upsample(x2, align_corners=False) + 1x1 conv."""

    def __init__(self, p):
        super().__init__(p)
        widths = [p['base'] * 2 ** i for i in range(p['depth'] + 1)]
        self.up = nn.ModuleList(
            nn.Sequential(nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False), nn.Conv2d(widths[i + 1], widths[i], 1))
            for i in range(p['depth'] - 1, -1, -1))


def randomise_batch_norm(model, generator):
    """Fresh statistics (mean 0, variance 1, scale 1, shift 0) would hide a mix-up of the four."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.weight.copy_(torch.rand(module.num_features, generator=generator) + 0.5)
                module.bias.copy_(torch.rand(module.num_features, generator=generator) - 0.5)
                module.running_mean.copy_(torch.rand(module.num_features, generator=generator) - 0.5)
                module.running_var.copy_(torch.rand(module.num_features, generator=generator) + 0.5)


def expected_config(p, bilinear, batch_norm_kept):
    norm = p['norm'] and batch_norm_kept
    return dict(inputChannels=p['channels'], classes=p['classes'], baseChannels=p['base'], depth=p['depth'],
                padding='same' if p['padding'] == 1 else 'valid', normalization='batch' if norm else 'none',
                # PyTorch's eval export folds batch norm into the convolution before it, which gains a bias.
                convolutionBias=(not p['norm']) or not batch_norm_kept,
                upSampling='bilinear' if bilinear else 'transposed')


def make(name, p, out, bilinear=False, keep_batch_norm=False, size=None, batch=1):
    torch.manual_seed(0)
    model = (BilinearUNet if bilinear else torch_unet.UNet)(p)
    randomise_batch_norm(model, torch.Generator().manual_seed(1))
    model.eval()
    size = size or p['size']
    x = torch.rand(batch, p['channels'], size, size, generator=torch.Generator().manual_seed(2))
    path = os.path.join(out, f'{name}.onnx')
    # As torch_unet.py --export-onnx; PRESERVE (in eval mode) keeps BatchNormalization as a node.
    training = torch.onnx.TrainingMode.PRESERVE if keep_batch_norm else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, x, path, opset_version=13, input_names=['x'], output_names=['y'], training=training)
    with torch.no_grad():
        y = model(x)
    x.numpy().astype('<f4').tofile(os.path.join(out, f'{name}.input.bin'))
    y.numpy().astype('<f4').tofile(os.path.join(out, f'{name}.output.bin'))
    print(f'wrote {path}: input {list(x.shape)} -> output {list(y.shape)}')
    return dict(name=name, inputShape=list(x.shape), outputShape=list(y.shape),
                config=expected_config(p, bilinear, keep_batch_norm), torch=torch.__version__)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default='packages/onnx/src/__fixtures__/torch')
    parser.add_argument('--presets', action='store_true')
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    paper, small = torch_unet.PRESETS['paper'], torch_unet.PRESETS['small']
    fixtures = []
    if args.presets:
        fixtures.append(make('paper', paper, args.out))
        fixtures.append(make('small', small, args.out, batch=1))
    else:
        narrow = dict(base=4, depth=2)
        fixtures.append(make('paper-narrow', dict(paper, **narrow), args.out, size=44))
        fixtures.append(make('small-narrow', dict(small, **narrow), args.out, size=16, batch=2))
        fixtures.append(make('small-narrow-batch-norm', dict(small, **narrow), args.out, keep_batch_norm=True, size=16, batch=2))
        fixtures.append(make('bilinear-unpadded-batch-norm', dict(small, base=4, depth=2, padding=0, channels=3, classes=3),
                             args.out, bilinear=True, keep_batch_norm=True, size=44))
        fixtures.append(make('padded-bias-depth-3', dict(paper, base=2, depth=3, padding=1, dropout=0.5), args.out, size=24))
    with open(os.path.join(args.out, 'manifest.json'), 'w') as file:
        json.dump(fixtures, file, indent=1)
        file.write('\n')


if __name__ == '__main__':
    main()
