#!/usr/bin/env python3
"""Compares Plumbline's Physics-IQ C kernels (Sources/CKernels/motion.c) with the OpenCV calls
the official Physics-IQ code makes, on thousands of random inputs, bit for bit.

The parity fixtures (make_fixtures.py) check whole clips; this reaches the rounding corners
they rarely hit: OpenCV's vector loops round differently from its scalar tails in
accumulateWeighted, convertScaleAbs and resize, and motion.c copies each rule.

  /tmp/venv/bin/python tools/physics-iq-parity/check_kernels.py [--cases 400]

Needs a C compiler ($CC, default cc) and the venv of make_fixtures.py. Exits 1 on any difference.
"""

import argparse
import ctypes
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
U8 = np.ctypeslib.ndpointer(np.uint8, flags='C_CONTIGUOUS')
U16 = np.ctypeslib.ndpointer(np.uint16, flags='C_CONTIGUOUS')
I32 = np.ctypeslib.ndpointer(np.int32, flags='C_CONTIGUOUS')
F64 = np.ctypeslib.ndpointer(np.float64, flags='C_CONTIGUOUS')
size_t, ptrdiff_t, c_int, c_double = ctypes.c_size_t, ctypes.c_ssize_t, ctypes.c_int, ctypes.c_double


def load(tmp):
  lib = os.path.join(tmp, 'libmotion.so')
  subprocess.check_call([os.environ.get('CC', 'cc'), '-O2', '-std=c11', '-shared', '-fPIC',
                         '-I', os.path.join(ROOT, 'Sources/CKernels/include'),
                         os.path.join(ROOT, 'Sources/CKernels/motion.c'), '-o', lib, '-lm'])
  k = ctypes.CDLL(lib)
  k.pk_physiq_gray_blur.argtypes = [U8, ptrdiff_t, c_int, c_int, U16, U8]
  k.pk_physiq_motion_step.argtypes = [U8, F64, size_t, c_double, c_int, U8]
  k.pk_physiq_open_close.argtypes = [U8, c_int, c_int, U8, U8]
  k.pk_physiq_resize_linear.argtypes = [U8, ptrdiff_t, c_int, c_int, c_int, U8, ptrdiff_t, c_int,
                                        c_int, I32]
  k.pk_physiq_frame_mse.argtypes = [U8, U8, size_t]
  k.pk_physiq_frame_mse.restype = c_double
  return k


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument('--cases', type=int, default=400)
  args = ap.parse_args()
  rng = np.random.default_rng(2025)
  failures = {}
  def check(name, ok):
    failures.setdefault(name, [0, 0])
    failures[name][0] += not ok
    failures[name][1] += 1

  worst_mse = 0.0
  with tempfile.TemporaryDirectory() as tmp:
    k = load(tmp)
    for _ in range(args.cases):
      h, w = (int(v) for v in rng.integers(5, 70, 2))
      rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
      if rng.random() < 0.5:  # flat regions and hard edges, like renders
        rgb = (rgb // 85 * 85).astype(np.uint8)
      gray = np.empty((h, w), np.uint8)
      k.pk_physiq_gray_blur(rgb, w * 3, w, h, np.empty((h, w), np.uint16), gray)
      want = cv2.GaussianBlur(cv2.cvtColor(rgb[:, :, ::-1].copy(), cv2.COLOR_BGR2GRAY), (5, 5), 0)
      check('grey + Gaussian blur', np.array_equal(gray, want))

      # Backgrounds near half-integers, where the rounding rules decide.
      avg = rng.integers(0, 255, (h, w)) + 0.5 + rng.choice([0, 1e-7, -1e-7, 1e-6, -1e-6, 0.3], (h, w))
      src = rng.integers(0, 256, (h, w), dtype=np.uint8)
      mine_avg, mask = avg.copy(), np.empty((h, w), np.uint8)
      k.pk_physiq_motion_step(src, mine_avg, h * w, 0.3, 10, mask)
      cv_avg = avg.copy()
      cv2.accumulateWeighted(src, cv_avg, 0.3)
      _, want = cv2.threshold(cv2.absdiff(src, cv2.convertScaleAbs(cv_avg)), 10, 255, cv2.THRESH_BINARY)
      check('accumulateWeighted', np.array_equal(mine_avg, cv_avg))
      check('absdiff + threshold', np.array_equal(mask, want))
      # Backgrounds that land within a hair of T + 0.5 after the update, against a black
      # frame and threshold T: the mask then shows which way each one was rounded.
      t = int(rng.integers(20, 230))
      zeros = np.zeros((h, w), np.uint8)
      before = (t + 0.5 + rng.choice([0, 1e-6, -1e-6, 3e-6, -3e-6], (h, w))) / 0.7
      k.pk_physiq_motion_step(zeros, before.copy(), h * w, 0.3, t, mask)
      cv_avg = before.copy()
      cv2.accumulateWeighted(zeros, cv_avg, 0.3)
      _, want = cv2.threshold(cv2.absdiff(zeros, cv2.convertScaleAbs(cv_avg)), t, 255, cv2.THRESH_BINARY)
      check('convertScaleAbs rounding', np.array_equal(mask, want))

      binary = ((rng.random((h, w)) < rng.random()) * 255).astype(np.uint8)
      mine = binary.copy()
      k.pk_physiq_open_close(mine, w, h, np.empty((h, w), np.uint8), np.empty((h, w), np.uint8))
      kernel = np.ones((5, 5), np.uint8)
      want = cv2.morphologyEx(cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel), cv2.MORPH_CLOSE, kernel)
      check('open + close', np.array_equal(mine, want))

      for channels, img in ((3, rgb), (1, binary)):
        dw, dh = max(1, w // 4), max(1, h // 4)
        if rng.random() < 0.3:
          dw, dh = int(rng.integers(1, w)), int(rng.integers(1, h))
        if (dw * 2 == w and dh * 2 == h):
          continue  # OpenCV switches to INTER_AREA for an exact halving; never a quarter
        out = np.empty((dh, dw, channels) if channels == 3 else (dh, dw), np.uint8)
        k.pk_physiq_resize_linear(img, w * channels, w, h, channels, out, dw * channels, dw, dh,
                                  np.empty(h * dw * channels, np.int32))
        check(f'resize linear ({channels} channel)', np.array_equal(out, cv2.resize(img, (dw, dh))))

      other = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
      mine = k.pk_physiq_frame_mse(rgb, other, rgb.size)
      want = float(np.mean(((rgb / 255.0).astype(np.float32) - (other / 255.0).astype(np.float32)) ** 2))
      # numpy sums the float32 squares in float32 (pairwise); motion.c sums in double.
      check('frame MSE (to 1e-7)', abs(mine - want) < 1e-7)
      worst_mse = max(worst_mse, abs(mine - want))

  bad = False
  for name, (fails, total) in failures.items():
    print(f'{name}: {total - fails}/{total} identical')
    bad |= fails > 0
  print(f'largest MSE difference {worst_mse:.2e} (values up to 1)')
  print(f'OpenCV {cv2.__version__}, numpy {np.__version__}')
  sys.exit(1 if bad else 0)


if __name__ == '__main__':
  main()
