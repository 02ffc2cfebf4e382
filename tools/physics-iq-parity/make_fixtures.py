#!/usr/bin/env python3
"""Makes Tests/AnalysisTests/PhysicsIQFixtures.swift: the numbers the official Physics-IQ code
gives on small synthetic clips, for Plumbline's parity test.

The official code is not copied here. Point --official at the `code/` folder of a checkout of
github.com/google-deepmind/physics-IQ-benchmark; this script imports it and calls its functions
unchanged:

  - binary_mask_generator.generate_mask(in_path, out_video_path, is_real, threshold_value=10)
    makes the motion masks of each clip;
  - calculate_and_write_metrics_to_csv.process_videos's inner process_view(...) computes the
    four metrics (it and the helpers it calls are nested functions; they are rebuilt from the
    module's own code objects with the closure process_videos would give them, fps*5 frames,
    video_time_selection='first');
  - calculate_iq_score.calculate_iq_score(csv) turns one sample, written as the CSV
    process_videos writes, into the Physics-IQ score.

Video files are replaced by memory: cv2.VideoCapture and cv2.VideoWriter, as those modules see
them, serve and collect frames, so nothing is encoded. That is the one departure from a run of
the benchmark, which stores the masks as MPEG-4 ('mp4v') videos and reads them back (lossy:
mask edges move by a pixel here and there). Plumbline keeps masks in memory, as here.

Inputs come from a deterministic integer recipe (shapes on a gradient, xorshift32 noise) that
Tests/AnalysisTests/PhysicsIQSynthetic.swift repeats exactly.

  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy opencv-python-headless pandas \\
      tqdm matplotlib
  /tmp/venv/bin/python tools/physics-iq-parity/make_fixtures.py \\
      --official /path/to/physics-IQ-benchmark/code \\
      --commit <commit of that checkout> \\
      --out Tests/AnalysisTests/PhysicsIQFixtures.swift
"""

import argparse
import hashlib
import os
import sys
import tempfile
import types

import numpy as np

MASK32 = 0xFFFFFFFF


# --- The synthetic recipe (repeated in PhysicsIQSynthetic.swift) -------------------------------

def floor_div(a, b):
  return a // b  # Python floors; the Swift side uses an explicit floor division.


def object_centre(obj, t):
  """Centre at frame t: x0 + vx·t/den, y0 + vy·t/den + g·t²/(2·den), floored."""
  den = obj['den']
  x = obj['x0'] + floor_div(obj['vx'] * t, den)
  y = obj['y0'] + floor_div(obj['vy'] * t, den) + floor_div(obj['g'] * t * t, 2 * den)
  if obj.get('stop') is not None and t > obj['stop']:
    return object_centre(obj, obj['stop'])
  return x, y


def render(spec):
  """Frames of one clip: list of H×W×3 uint8 RGB arrays."""
  w, h = spec['width'], spec['height']
  xs = np.arange(w)[None, :].repeat(h, 0)
  ys = np.arange(h)[:, None].repeat(w, 1)
  state = spec['seed'] & MASK32
  frames = []
  for t in range(spec['frames']):
    img = np.zeros((h, w, 3), np.int64)
    img[..., 0] = 20 + (xs * 60) // w
    img[..., 1] = 30 + (ys * 60) // h
    img[..., 2] = 70
    for obj in spec['objects']:
      if not (obj.get('appear', 0) <= t < obj.get('vanish', 1 << 30)):
        continue
      cx, cy = object_centre(obj, t)
      if obj['shape'] == 'disc':
        r = obj['size']
        inside = (2 * xs + 1 - 2 * cx) ** 2 + (2 * ys + 1 - 2 * cy) ** 2 <= (2 * r) ** 2
      else:
        hw, hh = obj['size'], obj['size2']
        inside = (xs >= cx - hw) & (xs < cx + hw) & (ys >= cy - hh) & (ys < cy + hh)
      img[inside] = obj['color']
    amp = spec['noise']
    if amp > 0:
      flat = img.reshape(-1)
      for i in range(flat.size):
        state ^= (state << 13) & MASK32
        state ^= state >> 17
        state ^= (state << 5) & MASK32
        flat[i] += state % (2 * amp + 1) - amp
      img = flat.reshape(h, w, 3)
    frames.append(np.clip(img, 0, 255).astype(np.uint8))
  return frames


def disc(x0, y0, r, color, vx=0, vy=0, g=0, den=1, **kw):
  return dict(shape='disc', x0=x0, y0=y0, size=r, color=color, vx=vx, vy=vy, g=g, den=den, **kw)


def box(x0, y0, hw, hh, color, vx=0, vy=0, g=0, den=1, **kw):
  return dict(shape='box', x0=x0, y0=y0, size=hw, size2=hh, color=color, vx=vx, vy=vy, g=g,
              den=den, **kw)


def clip(width, height, frames, fps, objects, noise=0, seed=1):
  return dict(width=width, height=height, frames=frames, fps=fps, objects=objects, noise=noise,
              seed=seed)


# Grey levels (what the masks see): background 32…85, red 117, blue 97, green 144, yellow 207.
RED, BLUE, GREEN, YELLOW = (235, 70, 50), (60, 90, 235), (60, 200, 80), (240, 220, 50)

CASES = [
    ('discFallsSlower',
     clip(96, 64, 16, 8, [disc(30, 6, 6, RED, g=1)], noise=3, seed=1),
     clip(96, 64, 16, 8, [disc(30, 6, 6, RED, g=1, den=2)], noise=3, seed=7)),
    ('boxStopsHalfway',
     clip(96, 64, 20, 8, [box(10, 30, 5, 4, BLUE, vx=3)], noise=2, seed=3),
     clip(96, 64, 20, 8, [box(10, 30, 5, 4, BLUE, vx=3, stop=8)], noise=2, seed=4)),
    ('ballVanishesAndDistractorMoves',
     clip(90, 70, 14, 8, [disc(12, 10, 5, GREEN, vx=4, vy=3)], noise=0, seed=5),
     clip(90, 70, 14, 8, [disc(12, 10, 5, GREEN, vx=4, vy=3, vanish=5),
                          box(70, 50, 4, 4, YELLOW, vx=-2)], noise=1, seed=6)),
    ('longClipHeavyNoise',
     clip(64, 48, 24, 4, [disc(56, 20, 5, RED, vx=-5, den=2)], noise=1, seed=8),
     clip(64, 48, 24, 4, [disc(56, 20, 5, RED, vx=-5, den=2)], noise=14, seed=9)),
]


# --- In-memory stand-ins for video files -------------------------------------------------------

class MemoryVideos:
  """cv2 as the official modules see it: real cv2, but videos come from and go to memory."""

  def __init__(self, cv2):
    self._cv2 = cv2
    self.videos = {}  # path → (list of BGR frames, fps)
    outer = self

    class Capture:
      def __init__(self, path):
        self.frames, self.fps = outer.videos.get(path, ([], 0))
        self.i = 0

      def isOpened(self):
        return self.i < len(self.frames) or len(self.frames) > 0

      def get(self, prop):
        h, w = self.frames[0].shape[:2] if self.frames else (0, 0)
        return {cv2.CAP_PROP_FPS: float(self.fps), cv2.CAP_PROP_FRAME_WIDTH: float(w),
                cv2.CAP_PROP_FRAME_HEIGHT: float(h),
                cv2.CAP_PROP_FRAME_COUNT: float(len(self.frames))}[prop]

      def read(self):
        if self.i >= len(self.frames):
          self.frames = []  # as a finished capture: no longer opened
          return False, None
        self.i += 1
        return True, self.frames[self.i - 1].copy()

      def release(self):
        pass

    class Writer:
      def __init__(self, path, fourcc, fps, size, isColor=True):
        self.path, self.fps = path, fps
        outer.videos[path] = ([], fps)

      def write(self, frame):
        # A grey video decodes as three equal channels.
        if frame.ndim == 2:
          frame = np.repeat(frame[:, :, None], 3, axis=2)
        outer.videos[self.path][0].append(frame.copy())

      def release(self):
        pass

    self.VideoCapture = Capture
    self.VideoWriter = Writer

  def __getattr__(self, name):
    return getattr(self._cv2, name)


def rebuild_process_view(module, closure_values):
  """process_videos's inner process_view, with the closure process_videos gives it."""
  outer = module.process_videos.__code__
  codes = {c.co_name: c for c in outer.co_consts if isinstance(c, types.CodeType)}
  # Default arguments live in the function object, not the code: these are the source's
  # (load_and_resize_video(filepath, start_frame, end_frame, target_size=None, normalize=True)).
  defaults = {'load_and_resize_video': (None, True)}
  helpers = {name: types.FunctionType(codes[name], module.__dict__, name, defaults.get(name))
             for name in ('spatial_binary_masks', 'weighted_spatial_mask', 'mse_per_frame',
                          'load_and_resize_video', 'compute_weighted_spatial_iou',
                          'spatiotemporal_iou_per_frame')}
  values = dict(helpers, **closure_values)
  code = codes['process_view']
  cells = tuple(types.CellType(values[name]) for name in code.co_freevars)
  return types.FunctionType(code, module.__dict__, 'process_view', None, cells), helpers


def fnv1a64(data):
  h = 0xcbf29ce484222325
  for b in bytes(data):
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
  return h


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument('--official', required=True, help='code/ folder of physics-IQ-benchmark')
  ap.add_argument('--commit', required=True, help='commit of that checkout, for the record')
  ap.add_argument('--out', required=True)
  args = ap.parse_args()
  sys.path.insert(0, os.path.abspath(args.official))
  import cv2
  import pandas as pd
  import binary_mask_generator as masks_mod
  import calculate_and_write_metrics_to_csv as metrics_mod
  import calculate_iq_score as score_mod

  memory = MemoryVideos(cv2)
  masks_mod.cv2 = memory
  metrics_mod.cv2 = memory
  view, name = 'perspective-left', 'synthetic.mp4'
  results = []
  with tempfile.TemporaryDirectory() as root:
    dirs = {k: os.path.join(root, k) for k in ('real', 'gen', 'mask-real', 'mask-gen')}
    for d in dirs.values():
      os.makedirs(d)
    for case, ref_spec, cand_spec in CASES:
      memory.videos.clear()
      fps = ref_spec['fps']
      ref, cand = render(ref_spec), render(cand_spec)
      real1 = os.path.join(dirs['real'], f'0001_testing-videos_{fps}FPS_{view}_take-1_{name}')
      real2 = os.path.join(dirs['real'], f'0002_testing-videos_{fps}FPS_{view}_take-2_{name}')
      gen = os.path.join(dirs['gen'], f'0001_{view}_{name}')
      # The reference engine is deterministic: its second take is its first.
      for path, frames in ((real1, ref), (real2, ref), (gen, cand)):
        memory.videos[path] = ([f[:, :, ::-1].copy() for f in frames], fps)
        open(path, 'w').close()  # load_and_resize_video asserts the file exists
      masks_mod.generate_mask(real1, os.path.join(dirs['mask-real'], os.path.basename(real1)), True)
      masks_mod.generate_mask(real2, os.path.join(dirs['mask-real'], os.path.basename(real2)), True)
      masks_mod.generate_mask(gen, os.path.join(dirs['mask-gen'], os.path.basename(gen)), False)
      for path in list(memory.videos):
        open(path, 'w').close()
      consider = fps * 5
      process_view, helpers = rebuild_process_view(metrics_mod, dict(
          real_folders=dirs['real'], generated_folders=dirs['gen'],
          binary_real_folders=dirs['mask-real'], binary_generated_folders=dirs['mask-gen'],
          consider_frames=consider, start_frame=0, end_frame=consider))
      out = process_view(name, view, '0001', '0002', fps)

      mask_ref = os.path.join(dirs['mask-real'], f'0001_video-masks_{fps}FPS_{view}_take-1_{name}')
      mask_gen = os.path.join(dirs['mask-gen'], f'0001_video-masks_{fps}FPS_{view}_take-1_{name}')
      full = {k: [m[:, :, 0] for m in memory.videos[p][0]] for k, p in
              (('ref', mask_ref), ('cand', mask_gen))}
      h, w = ref[0].shape[:2]
      small = {k: [(m[:, :, 0] > 127) for m in helpers['load_and_resize_video'](
          p, 0, consider, (w // 4, h // 4), normalize=False)]
          for k, p in (('ref', mask_ref), ('cand', mask_gen))}

      # One sample as process_videos writes it (the same view thrice), scored officially.
      row = {'scenario': name}
      for v in ('perspective-left', 'perspective-center', 'perspective-right'):
        for key, value in out.items():
          key = key.replace(view, v)
          row[key] = [float(x) for x in value] if isinstance(value, list) else value
      csv = os.path.join(root, f'{case}.csv')
      pd.DataFrame([row]).to_csv(csv, index=False)
      score, variance = score_mod.calculate_iq_score(csv)

      results.append(dict(
          case=case, fps=fps,
          spatial=float(out[f'spatial_iou_v1_{view}']),
          weighted=float(out[f'weighted_spatial_iou_v1_{view}']),
          st=[float(x) for x in out[f'spatiotemporal_iou_v1_{view}']],
          mse=[float(x) for x in out[f'v1_mse_{view}']],
          score=float(score),
          full={k: [(int((m > 0).sum()), fnv1a64((m > 0).astype(np.uint8).tobytes())) for m in v]
                for k, v in full.items()},
          small={k: [int(m.sum()) for m in v] for k, v in small.items()}))
  write_swift(args, results, cv2.__version__, np.__version__)


def spec_swift(spec):
  objs = []
  for o in spec['objects']:
    extra = ''
    if o.get('stop') is not None:
      extra += f", stop: {o['stop']}"
    if 'appear' in o:
      extra += f", appear: {o['appear']}"
    if 'vanish' in o:
      extra += f", vanish: {o['vanish']}"
    size2 = o.get('size2', 0)
    objs.append(
        f".init(shape: .{o['shape']}, x0: {o['x0']}, y0: {o['y0']}, size: {o['size']}, "
        f"size2: {size2}, color: ({o['color'][0]}, {o['color'][1]}, {o['color'][2]}), "
        f"vx: {o['vx']}, vy: {o['vy']}, g: {o['g']}, den: {o['den']}{extra})")
  return (f"SyntheticClipSpec(width: {spec['width']}, height: {spec['height']}, "
          f"frames: {spec['frames']}, fps: {spec['fps']}, noise: {spec['noise']}, "
          f"seed: {spec['seed']}, objects: [{', '.join(objs)}])")


def write_swift(args, results, cv_version, np_version):
  lines = [
      '// Generated by tools/physics-iq-parity/make_fixtures.py. Do not edit by hand.',
      '//',
      '// Expected values from the official Physics-IQ code, github.com/google-deepmind/',
      f'// physics-IQ-benchmark at commit {args.commit}, run with opencv-python-headless',
      f'// {cv_version} and numpy {np_version} on x86-64. Functions called, unchanged:',
      '//   binary_mask_generator.generate_mask(path, out, is_real, threshold_value=10)',
      '//   calculate_and_write_metrics_to_csv.process_videos → process_view (rebuilt from its code',
      "//     object; consider_frames = fps*5, video_time_selection 'first'; take 2 = take 1)",
      '//   calculate_iq_score.calculate_iq_score(csv of the one sample, same view thrice)',
      '// Videos are held in memory instead of MPEG-4 files (see the script). Command:',
      '//   python make_fixtures.py --official <checkout>/code --commit <commit> \\',
      '//       --out Tests/AnalysisTests/PhysicsIQFixtures.swift',
      '// Masks are recorded per frame as (pixels set, FNV-1a 64 of the 0/1 bytes, row-major) at',
      '// full size, and as pixels set after the quarter-size resize and > 127.',
      '',
      'struct PhysicsIQParityCase {',
      '  var name: String',
      '  var reference: SyntheticClipSpec',
      '  var candidate: SyntheticClipSpec',
      '  var spatialIoU: Double',
      '  var weightedSpatialIoU: Double',
      '  var spatiotemporalIoUPerFrame: [Double]',
      '  var msePerFrame: [Double]',
      '  /// calculate_iq_score, rounded to 0.01 by the official code.',
      '  var physicsIQScore: Double',
      '  var referenceMasks: [(count: Int, hash: UInt64)]',
      '  var candidateMasks: [(count: Int, hash: UInt64)]',
      '  var referenceQuarterCounts: [Int]',
      '  var candidateQuarterCounts: [Int]',
      '}',
      '',
      'let physicsIQParityCases: [PhysicsIQParityCase] = [',
  ]
  specs = {c[0]: (c[1], c[2]) for c in CASES}
  for r in results:
    ref, cand = specs[r['case']]
    masks = lambda k: ', '.join(f'({n}, 0x{h:016x})' for n, h in r['full'][k])
    lines += [
        '  PhysicsIQParityCase(',
        f"    name: \"{r['case']}\",",
        f'    reference: {spec_swift(ref)},',
        f'    candidate: {spec_swift(cand)},',
        f"    spatialIoU: {r['spatial']!r},",
        f"    weightedSpatialIoU: {r['weighted']!r},",
        f"    spatiotemporalIoUPerFrame: [{', '.join(repr(x) for x in r['st'])}],",
        f"    msePerFrame: [{', '.join(repr(x) for x in r['mse'])}],",
        f"    physicsIQScore: {r['score']!r},",
        f"    referenceMasks: [{masks('ref')}],",
        f"    candidateMasks: [{masks('cand')}],",
        f"    referenceQuarterCounts: [{', '.join(map(str, r['small']['ref']))}],",
        f"    candidateQuarterCounts: [{', '.join(map(str, r['small']['cand']))}]),",
    ]
  lines += [']', '']
  with open(args.out, 'w') as f:
    f.write('\n'.join(lines))
  for r in results:
    print(f"{r['case']}: spatial {r['spatial']:.6f} weighted {r['weighted']:.6f} "
          f"st {np.mean(r['st']):.6f} mse {np.mean(r['mse']):.6f} score {r['score']}")


if __name__ == '__main__':
  main()
