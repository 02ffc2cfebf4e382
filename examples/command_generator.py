#!/usr/bin/env python3
"""A Plumbline command generator: one clip per run.

    command_generator.py REQUEST.json OUT_DIR      # the request from a file
    command_generator.py OUT_DIR < REQUEST.json    # or from standard input

Writes OUT_DIR/frame_00000.png, ... (or, with --video, one OUT_DIR/clip.mp4). The model
itself is chosen in plumb_example.make_frames; see README.md.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plumb_example  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="[REQUEST.json] OUT_DIR")
    parser.add_argument("--video", action="store_true", help="write one MP4 (Y4M without ffmpeg) instead of PNGs")
    args = parser.parse_args()
    if len(args.paths) > 2:
        parser.error("expected [REQUEST.json] OUT_DIR")
    if len(args.paths) == 2:
        with open(args.paths[0], encoding="utf-8") as f:
            request = json.load(f)
    else:
        request = json.load(sys.stdin)
    out = args.paths[-1]
    print(f"generating {request['scenario_id']} seed {request['seed']}: {request['num_frames']} frames "
          f"of {request['width']}x{request['height']}", flush=True)
    frames = plumb_example.make_frames(request, plumb_example.conditioning_from_files(request))
    if args.video:
        os.makedirs(out, exist_ok=True)
        written = plumb_example.write_video(os.path.join(out, "clip.mp4"), frames, request["width"],
                                            request["height"], request["fps"])
        print(f"wrote {written}", flush=True)
    else:
        plumb_example.write_frames(out, frames, request["width"], request["height"])
        print(f"wrote {len(frames)} frames to {out}", flush=True)


if __name__ == "__main__":
    main()
