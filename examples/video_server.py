#!/usr/bin/env python3
"""A generator server speaking the OpenAI-compatible Videos API as Plumbline uses it
(docs/generator-http-api.yaml), standard library only.

    video_server.py --port 8000 [--token-env VIDEO_TOKEN] [--format mp4|y4m]

POST /v1/videos creates a job (JSON body; a repeated Idempotency-Key gets the job it made
before), GET /v1/videos lists the jobs, GET /v1/videos/{id} reports one job's status,
GET /v1/videos/{id}/content returns the video: MP4 made with ffmpeg when it is installed,
otherwise Y4M (Plumbline reads both). The model is chosen in plumb_example.make_frames.

--fault makes the server misbehave, for testing clients: 500-once, 429-once (with
--retry-after), fail (every job ends 'failed'), slow-poll (status requests stall),
malformed (the create answer is not JSON), oversized (content far larger than a clip).
With --port 0 the first line printed is 'listening on http://127.0.0.1:PORT'.
"""

import argparse
import base64
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plumb_example  # noqa: E402

FAULTS = ["none", "500-once", "429-once", "fail", "slow-poll", "malformed", "oversized"]


class Jobs:
    def __init__(self, folder, video_format):
        self.folder = folder
        self.video_format = video_format
        self.lock = threading.Lock()
        self.jobs = {}
        self.by_key = {}

    def create(self, body, key, fail):
        with self.lock:
            # A retried POST gets the job it already made, unless that job failed.
            if key and key in self.by_key and self.jobs[self.by_key[key]]["status"] != "failed":
                return self.jobs[self.by_key[key]]
            job = {"id": "video_" + uuid.uuid4().hex[:16], "object": "video", "status": "queued",
                   "model": body.get("model"), "progress": 0, "created_at": int(time.time()),
                   "seconds": body.get("seconds"), "size": body.get("size")}
            self.jobs[job["id"]] = job
            if key:
                self.by_key[key] = job["id"]
        threading.Thread(target=self.run, args=(job, body, fail), daemon=True).start()
        return job

    def run(self, job, body, fail):
        job["status"] = "in_progress"
        try:
            if fail:
                raise RuntimeError("the model ran out of memory (injected fault)")
            width, height = (int(v) for v in body["size"].lower().split("x"))
            fps = float(body.get("fps", 24))
            count = int(body.get("num_frames") or round(float(body["seconds"]) * fps))
            request = {"prompt": body["prompt"], "seed": int(body.get("seed", 0)), "width": width,
                       "height": height, "fps": fps, "num_frames": count}
            conditioning = []
            for url in body.get("conditioning_frames") or ([body["input_reference"]] if body.get("input_reference") else []):
                path = os.path.join(self.folder, uuid.uuid4().hex + ".png")
                with open(path, "wb") as f:
                    f.write(base64.b64decode(url.split(",", 1)[1]))
                conditioning.append(plumb_example.read_png(path))
                os.remove(path)
            frames = plumb_example.make_frames(request, conditioning)
            target = os.path.join(self.folder, job["id"] + "." + self.video_format)
            job["path"] = plumb_example.write_video(target, frames, width, height, fps)
            job["status"], job["progress"] = "completed", 100
        except Exception as error:  # the job fails; the server goes on
            job["status"] = "failed"
            job["error"] = {"code": "generation_failed", "message": str(error)}

    def get(self, job_id):
        with self.lock:
            return self.jobs.get(job_id)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)

    def reply(self, status, payload=None, body=None, content_type="application/json", headers=()):
        data = body if body is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message, headers=()):
        self.reply(status, {"error": {"message": message, "type": "invalid_request_error"}}, headers=headers)

    def authorised(self):
        token = self.server.token
        if token is None or self.headers.get("Authorization") == f"Bearer {token}":
            return True
        self.error(401, "missing or wrong bearer token")
        return False

    def take_fault(self, name):
        """True once for a one-shot fault, always for a standing one."""
        with self.server.fault_lock:
            if self.server.fault != name:
                return False
            if name.endswith("-once"):
                self.server.fault = "none"
            return True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        if not self.authorised():
            return
        if self.path.rstrip("/") != "/v1/videos":
            return self.error(404, f"no route {self.path}")
        if self.take_fault("500-once"):
            return self.error(500, "internal error (injected fault)")
        if self.take_fault("429-once"):
            return self.error(429, "rate limited (injected fault)", headers=[("Retry-After", self.server.retry_after)])
        if self.take_fault("malformed"):
            return self.reply(200, body=b"{\"id\": \"video_1\", \"status\": ", content_type="application/json")
        try:
            body = json.loads(raw)
            for field in ("model", "prompt", "size"):
                if not isinstance(body.get(field), str):
                    raise ValueError(f"'{field}' is required and must be a string")
        except ValueError as error:
            return self.error(400, f"bad request: {error}")
        job = self.server.jobs.create(body, self.headers.get("Idempotency-Key"), self.server.fault == "fail")
        self.reply(200, public(job))

    def do_GET(self):
        if not self.authorised():
            return
        parts = self.path.strip("/").split("/")
        if parts == ["v1", "videos"]:
            with self.server.jobs.lock:
                jobs = [public(job) for job in self.server.jobs.jobs.values()]
            return self.reply(200, {"object": "list", "data": jobs})
        if len(parts) < 3 or parts[:2] != ["v1", "videos"]:
            return self.error(404, f"no route {self.path}")
        job = self.server.jobs.get(parts[2])
        if job is None:
            return self.error(404, f"no job {parts[2]}")
        if len(parts) == 3:
            if self.server.fault == "slow-poll":
                time.sleep(30)
            return self.reply(200, public(job))
        if parts[3] != "content":
            return self.error(404, f"no route {self.path}")
        if job["status"] != "completed":
            return self.error(409, f"job {job['id']} is {job['status']}, not completed")
        if self.server.fault == "oversized":
            return self.reply(200, body=b"\0" * (8 << 20), content_type="video/mp4")
        with open(job["path"], "rb") as f:
            data = f.read()
        kind = "video/x-yuv4mpeg" if job["path"].endswith(".y4m") else "video/mp4"
        self.reply(200, body=data, content_type=kind)


def public(job):
    return {key: value for key, value in job.items() if key != "path"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--token-env", help="require 'Authorization: Bearer $VAR'")
    parser.add_argument("--format", choices=["mp4", "y4m"], default="mp4" if shutil.which("ffmpeg") else "y4m")
    parser.add_argument("--fault", choices=FAULTS, default="none")
    parser.add_argument("--retry-after", default="1", help="Retry-After seconds sent with 429-once")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.jobs = Jobs(tempfile.mkdtemp(prefix="plumb-video-server-"), args.format)
    server.token = os.environ[args.token_env] if args.token_env else None
    server.fault, server.fault_lock = args.fault, threading.Lock()
    server.retry_after, server.verbose = args.retry_after, args.verbose
    print(f"listening on http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(server.jobs.folder, ignore_errors=True)


if __name__ == "__main__":
    main()
