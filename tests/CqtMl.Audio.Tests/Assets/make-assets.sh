#!/usr/bin/env bash
# Regenerates the small encoded test assets from a synthetic source (a click at sample 10000 and tone bursts; see
# Support/TestSignal.cs, which produces the identical source in the tests). Needs python3, sox, lame and oggenc.
# The assets are committed so the tests need none of these tools.
set -euo pipefail
cd "$(dirname "$0")"
make_source() { # rate channels seconds out.wav
python3 - "$1" "$2" "$3" "$4" <<'PY'
import math, struct, sys
rate, channels, seconds, out = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
n = int(rate * seconds)
frames = []
for i in range(n):
    t = i / rate
    v = 0.0
    if i == 10000: v += 0.9
    if 0.5 <= t < 1.0: v += 0.3 * math.sin(2 * math.pi * 440 * t)
    if 1.2 <= t < 1.8: v += 0.2 * math.sin(2 * math.pi * 110 * t) + 0.1 * math.sin(2 * math.pi * 1760 * t)
    frames.append([v if c == 0 else 0.5 * v for c in range(channels)])
data = b''.join(struct.pack('<%df' % channels, *f) for f in frames)
hdr = b'RIFF' + struct.pack('<I', 36 + len(data)) + b'WAVEfmt ' + struct.pack('<IHHIIHH', 16, 3, channels, rate, rate * 4 * channels, 4 * channels, 32) + b'data' + struct.pack('<I', len(data))
open(out, 'wb').write(hdr + data)
PY
}
make_source 44100 2 2.0 /tmp/src-44k-stereo.wav
make_source 22050 1 2.0 /tmp/src-22k-mono.wav
make_source 48000 2 2.0 /tmp/src-48k-stereo.wav
lame --quiet -b 128 /tmp/src-44k-stereo.wav click-44k-stereo-cbr.mp3
lame --quiet -V 2 /tmp/src-48k-stereo.wav click-48k-stereo-vbr.mp3
lame --quiet -b 64 /tmp/src-22k-mono.wav click-22k-mono.mp3
oggenc --quiet -q 5 -o click-44k-stereo.ogg /tmp/src-44k-stereo.wav
