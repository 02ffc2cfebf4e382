"""Shared pieces of the Plumbline example generators (standard library only).

`make_frames` is the one place where a real model plugs in: with PLUMB_DIFFUSERS_MODEL set and
torch + diffusers installed it runs a diffusers text-to-video (or image-to-video) pipeline;
otherwise it draws a small procedural clip (a ball falling onto a floor) so that the examples
run anywhere. Frames are lists of rows of bytes, RGB, 8 bits per channel.
"""

import inspect
import os
import shutil
import struct
import subprocess
import sys
import zlib


def make_frames(request, conditioning):
    """Frames for a request (the JSON Plumbline sends; see examples/README.md).

    conditioning: the decoded conditioning images (the clip's first frames), possibly empty.
    Returns request["num_frames"] frames of request["width"] x request["height"].
    """
    # ---- PLUG A MODEL IN HERE -------------------------------------------------------------
    model = os.environ.get("PLUMB_DIFFUSERS_MODEL")
    if model:
        return diffusers_frames(model, request, conditioning)
    # ----------------------------------------------------------------------------------------
    return procedural_frames(request, conditioning)


def diffusers_frames(model, request, conditioning):
    """Runs a diffusers video pipeline, e.g. PLUMB_DIFFUSERS_MODEL=THUDM/CogVideoX-5b."""
    try:
        import numpy
        import torch
        from diffusers import DiffusionPipeline
        from PIL import Image
    except ImportError as error:
        sys.exit(f"PLUMB_DIFFUSERS_MODEL is set but {error.name} is not installed")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    pipe = DiffusionPipeline.from_pretrained(model, torch_dtype=dtype).to(device)
    width, height, count = request["width"], request["height"], request["num_frames"]
    kwargs = dict(
        prompt=request["prompt"], num_frames=count, height=height, width=width,
        generator=torch.Generator(device=device).manual_seed(int(request["seed"])),
        output_type="np",
    )
    parameters = inspect.signature(pipe.__call__).parameters
    if conditioning and "image" in parameters:  # image-to-video pipelines take the first frame
        first = conditioning[0]
        kwargs["image"] = Image.frombytes("RGB", (width, height), b"".join(first))
    if "fps" in parameters:
        kwargs["fps"] = int(round(request["fps"]))
    video = pipe(**kwargs).frames[0]  # (frames, height, width, 3), floats in 0..1
    frames = []
    for frame in video[:count]:
        data = (numpy.clip(frame, 0, 1) * 255).round().astype("uint8")
        frames.append([data[y].tobytes() for y in range(height)])
    # The clip starts with the conditioning frames as given, whatever the model redrew.
    return conditioning + frames[len(conditioning):]


def procedural_frames(request, conditioning):
    """A ball dropped from the top onto a floor under 9.81 m/s² (1 m = the image height)."""
    width, height, count, fps = request["width"], request["height"], request["num_frames"], request["fps"]
    seed = int(request["seed"])
    colour = bytes(((seed * 97 + 60) % 256, (seed * 57 + 120) % 256, 40))
    radius = max(1, min(width, height) // 10)
    floor_y = height - height // 8
    frames = list(conditioning[:count])
    for k in range(len(frames), count):
        t = k / fps
        fall = 0.5 * 9.81 * t * t * height
        cy = min(radius + int(fall), floor_y - radius)
        cx = width // 2
        rows = []
        for y in range(height):
            row = bytearray(b"\x50\x50\x50" * width if y >= floor_y else b"\xd0\xe0\xf0" * width)
            dy = y - cy
            if abs(dy) <= radius:
                half = int((radius * radius - dy * dy) ** 0.5)
                for x in range(max(0, cx - half), min(width, cx + half + 1)):
                    row[3 * x:3 * x + 3] = colour
            rows.append(bytes(row))
        frames.append(rows)
    return frames


def write_png(path, rows, width, height):
    """Writes an 8-bit RGB PNG."""
    raw = b"".join(b"\x00" + row for row in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        out.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        out.write(chunk(b"IEND", b""))


def read_png(path):
    """Reads an 8-bit RGB or RGBA, non-interlaced PNG into rows of RGB bytes."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs are read")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        previous = line
        rows.append(bytes(line) if channels == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3))
    return rows


def write_frames(folder, frames, width, height):
    os.makedirs(folder, exist_ok=True)
    for index, rows in enumerate(frames):
        write_png(os.path.join(folder, f"frame_{index:05d}.png"), rows, width, height)


def write_y4m(path, frames, width, height, fps):
    """Y4M with 4:4:4 chroma (no subsampling), BT.601 limited range."""
    num, den = (int(round(fps * 1000)), 1000)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{num}:{den} Ip A1:1 C444\n".encode())
        for rows in frames:
            planes = [bytearray(), bytearray(), bytearray()]
            for row in rows:
                for x in range(width):
                    r, g, b = row[3 * x], row[3 * x + 1], row[3 * x + 2]
                    planes[0].append(int(16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256 + 0.5))
                    planes[1].append(int(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256 + 0.5))
                    planes[2].append(int(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256 + 0.5))
            out.write(b"FRAME\n" + bytes(planes[0]) + bytes(planes[1]) + bytes(planes[2]))


def write_video(path, frames, width, height, fps):
    """Writes an MP4 with ffmpeg when it is installed; returns the path written, which is a
    .y4m instead when ffmpeg is missing or a .y4m is asked for (Plumbline reads both)."""
    if path.endswith(".y4m") or shutil.which("ffmpeg") is None:
        y4m = os.path.splitext(path)[0] + ".y4m"
        write_y4m(y4m, frames, width, height, fps)
        return y4m
    # PNG frames through zlib are far quicker to write from Python than Y4M's per-pixel maths.
    folder = os.path.splitext(path)[0] + "-frames"
    write_frames(folder, frames, width, height)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-framerate", str(fps), "-i",
         os.path.join(folder, "frame_%05d.png"), "-pix_fmt", "yuv444p", "-crf", "10", path],
        check=True,
    )
    shutil.rmtree(folder)
    return path


def conditioning_from_files(request):
    """The conditioning images the command adapter passes as PNG paths."""
    return [read_png(path) for path in request.get("conditioning_images", [])]
