#!/usr/bin/env python3
"""PyTorch twin of CqtMl.Torch's RewardModel, for users who train reward models at scale in PyTorch.

It loads the reward.safetensors that `cqtml train-reward` writes, by parameter name, into a plain PyTorch module with
the same names (cqt_encoder.* = the generator network of cqt_vit.py, whose head is unused; controls_encoder.embed /
align / pos_embed_time / blocks.i.* / norm; cross_blocks.i.norm1 / norm_context / q / kv / proj / norm2 / mlp.fc1 /
mlp.fc2; norm; head) and the same forward pass, and:

  forward     scores a [B, 2, bins, T] CQT .npy and a [B, 4, T] controls .npy and writes the rewards [B] as .npy.

The project's tests use `forward` to check that PyTorch reads the weights by name and computes the project's rewards.
Needs only torch and numpy (Debian 12: apt-get install python3-torch).
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cqt_vit import CONTROLS, TIME_PATCH, Block, CqtVisionTransformer, Mlp, read_safetensors  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

CONTROL_FEATURES = 3 * CONTROLS
SPECTRUM_FEATURES = 8
ONSET_FEATURES = 4
ONSET_NEIGHBOURHOOD = 17
ONSET_EPSILON = 1e-6
ONSET_THRESHOLD = 0.5
REGISTER_FEATURES = 2 * CONTROLS
REGISTER_FULL_SCALE = 5.0
C1 = 32.70319566257483
FRAME_FEATURES = CONTROL_FEATURES + SPECTRUM_FEATURES + ONSET_FEATURES + REGISTER_FEATURES
FRAME_HEAD_HIDDEN = 64


def onset_timing(log_spectrum, changed):
    """[B, 4, T]: the spectral flux standardised over the clip, whether an onset (a peak above 0.5 that is the largest
    within 17 frames either side) is within 17 frames, whether any control changes, and the product of the last two."""
    rises = (log_spectrum[..., 1:] - log_spectrum[..., :-1]).relu().sum(1, keepdim=True)
    flux = nn.functional.pad(rises, (1, 0))
    centred = flux - flux.mean(2, keepdim=True)
    strength = centred / (centred.square().mean(2, keepdim=True).sqrt() + ONSET_EPSILON)
    window = 2 * ONSET_NEIGHBOURHOOD + 1
    pooled = nn.functional.max_pool1d(strength, window, stride=1, padding=ONSET_NEIGHBOURHOOD)
    peaks = ((strength == pooled) & (strength > ONSET_THRESHOLD)).to(strength.dtype)
    near = nn.functional.max_pool1d(peaks, window, stride=1, padding=ONSET_NEIGHBOURHOOD)
    any_change = changed.amax(1, keepdim=True)
    return torch.cat([strength, near, any_change, any_change * near], 1)


def register_weights(bins, fmin=C1, bins_per_octave=12):
    """[4, bins]: 1 / (bins in the register) where a bin's nearest MIDI note is in the register (< 48, 48-59, 60-71,
    >= 72), else 0."""
    weights = torch.zeros(CONTROLS, bins)
    for b in range(bins):
        # C# rounds half to even, as Python's round does.
        note = round(69 + 12 * math.log2(fmin * 2.0 ** (b / bins_per_octave) / 440))
        weights[0 if note < 48 else 1 if note < 60 else 2 if note < 72 else 3, b] = 1
    counts = weights.sum(1, keepdim=True)
    return weights / counts.clamp_min(1)


def register_energy(controls, log_spectrum, weights):
    """[B, 8, T]: each register's mean log spectrum over the judges' full scale, at most 1, and each level's distance
    from it."""
    energy = (torch.matmul(weights, log_spectrum) / REGISTER_FULL_SCALE).clamp_max(1)
    return torch.cat([energy, (controls - energy).abs()], 1)


class ControlsEncoder(nn.Module):
    """Controls [B, 4, T] -> tokens [B, Tt, D]: levels, |change|, change > 0, 8 projected log-spectrum features and 4
    onset-timing features and 4 register energies and the levels' distances from them of 4 frames per token, plus time positions and the projected CQT token of the same time step, then pre-norm blocks and a
    norm."""

    def __init__(self, dim, depth, heads, mlp, max_time_tokens, dropout, bins=84, fmin=C1, bins_per_octave=12):
        super().__init__()
        self.register_buffer("register_weights", register_weights(bins, fmin, bins_per_octave), persistent=False)
        self.spectrum = nn.Linear(bins, SPECTRUM_FEATURES)
        self.embed = nn.Linear(FRAME_FEATURES * TIME_PATCH, dim)
        self.align = nn.Linear(dim, dim)
        self.pos_embed_time = nn.Parameter(torch.zeros(max_time_tokens, dim))
        self.blocks = nn.ModuleList([Block(dim, heads, mlp, dropout) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def features(self, controls, log_spectrum):
        """[B, FRAME_FEATURES, T]: the per-frame values the tokens and the frame head read."""
        change = nn.functional.pad((controls[..., 1:] - controls[..., :-1]).abs(), (1, 0))
        changed = (change > 0).to(controls.dtype)
        music = self.spectrum(log_spectrum.transpose(1, 2)).transpose(1, 2)
        return torch.cat([controls, change, changed, music, onset_timing(log_spectrum, changed),
                          register_energy(controls, log_spectrum, self.register_weights)], 1)

    def forward(self, features, cqt_time):
        b, t = features.shape[0], features.shape[2]
        time_tokens = cqt_time.shape[1]
        features = nn.functional.pad(features, (0, time_tokens * TIME_PATCH - t))
        tokens = features.reshape(b, FRAME_FEATURES, time_tokens, TIME_PATCH).permute(0, 2, 1, 3).reshape(b, time_tokens, -1)
        tokens = self.embed(tokens) + self.pos_embed_time[:time_tokens].unsqueeze(0) + self.align(cqt_time)
        for block in self.blocks:
            tokens = block(tokens)
        return self.norm(tokens)


class FrameRewardHead(nn.Module):
    """Scores every frame's features with a small MLP plus a linear term and sums over the frames: [B, F, T] -> [B]."""

    def __init__(self, features, hidden):
        super().__init__()
        self.fc1 = nn.Linear(features, hidden)
        self.fc2 = nn.Linear(hidden, 1)
        self.linear = nn.Linear(features, 1, bias=False)

    def forward(self, features):
        frames = features.transpose(1, 2)
        return (self.fc2(nn.functional.gelu(self.fc1(frames))) + self.linear(frames)).squeeze(-1).sum(1)


class CrossAttentionBlock(nn.Module):
    """x + proj(attention(q(norm1 x), kv(norm_context c))), then x + mlp(norm2 x)."""

    def __init__(self, dim, heads, mlp, dropout):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.norm_context = nn.LayerNorm(dim, eps=1e-6)
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, 2 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, mlp, dropout)

    def forward(self, x, context):
        b, n, d = x.shape
        m, hd = context.shape[1], d // self.heads
        q = self.q(self.norm1(x)).reshape(b, n, self.heads, hd).transpose(1, 2)
        kv = self.kv(self.norm_context(context)).reshape(b, m, 2, self.heads, hd).permute(2, 0, 3, 1, 4)
        weights = (q @ kv[0].transpose(-2, -1) / math.sqrt(hd)).softmax(-1)
        x = x + self.proj((weights @ kv[1]).transpose(1, 2).reshape(b, n, d))
        return x + self.mlp(self.norm2(x))


class RewardModel(nn.Module):
    """cqt [B, 2, bins, T] and controls [B, 4, T] -> rewards [B]."""

    def __init__(self, encoder, dim, heads, mlp, control_depth, cross_depth, max_time_tokens, dropout=0.1, bins=84, fmin=C1,
                 bins_per_octave=12):
        super().__init__()
        self.cqt_encoder = encoder
        self.controls_encoder = ControlsEncoder(dim, control_depth, heads, mlp, max_time_tokens, dropout, bins, fmin, bins_per_octave)
        self.cross_blocks = nn.ModuleList([CrossAttentionBlock(dim, heads, mlp, dropout) for _ in range(cross_depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, 1)
        self.frame_head = FrameRewardHead(FRAME_FEATURES, FRAME_HEAD_HIDDEN)

    @staticmethod
    def from_state_dict(state, heads=3, gain=100.0, dropout=0.1, fmin=C1, bins_per_octave=12):
        """Builds the module whose shapes the weights imply and loads them (strictly)."""
        encoder_state = {k[len("cqt_encoder."):]: v for k, v in state.items() if k.startswith("cqt_encoder.")}
        encoder = CqtVisionTransformer.from_state_dict(encoder_state, heads=heads, gain=gain, dropout=dropout)
        dim = state["head.weight"].shape[1]
        count = lambda prefix: sum(1 for name in state if name.startswith(prefix) and name.endswith(".norm2.weight"))
        model = RewardModel(encoder, dim, heads, state["cross_blocks.0.mlp.fc1.weight"].shape[0],
                            count("controls_encoder.blocks."), count("cross_blocks."),
                            state["controls_encoder.pos_embed_time"].shape[0], dropout, state["controls_encoder.spectrum.weight"].shape[1], fmin, bins_per_octave)
        model.load_state_dict(state, strict=True)
        return model.eval()

    def encode_cqt(self, cqt):
        """The generator's network up to its final norm: tokens [B, F x Tt, D]."""
        e = self.cqt_encoder
        b, t = cqt.shape[0], cqt.shape[3]
        time_tokens = (t + TIME_PATCH - 1) // TIME_PATCH
        h = nn.functional.pad(torch.log1p(cqt * e.gain), (0, TIME_PATCH - 1))[..., : time_tokens * TIME_PATCH]
        tokens = e.patch_embed(h).permute(0, 2, 3, 1)
        f, d = tokens.shape[1], tokens.shape[3]
        tokens = tokens + e.pos_embed_freq.reshape(1, f, 1, d) + e.pos_embed_time[:time_tokens].reshape(1, 1, time_tokens, d)
        tokens = tokens.reshape(b, f * time_tokens, d)
        for block in e.blocks:
            tokens = block(tokens)
        return e.norm(tokens), f

    def forward(self, cqt, controls):
        tokens, f = self.encode_cqt(cqt)
        b, d = tokens.shape[0], tokens.shape[2]
        cqt_time = tokens.reshape(b, f, -1, d).mean(1)
        log_spectrum = torch.log1p(cqt.mean(1) * self.cqt_encoder.gain)
        features = self.controls_encoder.features(controls, log_spectrum)
        x = self.controls_encoder(features, cqt_time)
        for block in self.cross_blocks:
            x = block(x, tokens)
        return self.head(self.norm(x).mean(1)).squeeze(-1) + self.frame_head(features)


def run_forward(args):
    torch.set_num_threads(args.threads)
    model = RewardModel.from_state_dict(read_safetensors(args.weights), heads=args.heads, gain=args.gain, fmin=args.fmin,
                                        bins_per_octave=args.bins_per_octave)
    cqt = torch.from_numpy(np.load(args.cqt).astype(np.float32))
    controls = torch.from_numpy(np.load(args.controls).astype(np.float32))
    with torch.no_grad():
        np.save(args.out, model(cqt, controls).numpy())


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    forward = commands.add_parser("forward", help="rewards of a [B, 2, bins, T] CQT .npy and a [B, 4, T] controls .npy")
    forward.add_argument("--weights", required=True, help="reward.safetensors written by cqtml")
    forward.add_argument("--heads", type=int, default=3, help="attention heads (3 for the demo and tiny presets)")
    forward.add_argument("--gain", type=float, default=100.0, help="input gain of log(1 + gain x) (default 100)")
    forward.add_argument("--fmin", type=float, default=C1, help="the CQT's lowest bin in Hz (default C1, 32.70 Hz)")
    forward.add_argument("--bins-per-octave", type=int, default=12, help="the CQT's bins per octave (default 12)")
    forward.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2)")
    forward.add_argument("--cqt", required=True)
    forward.add_argument("--controls", required=True)
    forward.add_argument("--out", required=True)
    forward.set_defaults(function=run_forward)
    args = parser.parse_args(argv)
    args.function(args)


if __name__ == "__main__":
    main(sys.argv[1:])
