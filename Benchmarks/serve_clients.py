"""`precedent serve` under many WebSocket clients (a benchmark, not a test).

    python3 -m pip install websockets
    swift build -c release --product precedent
    python3 Benchmarks/serve_clients.py --lake out/lake --config config/sample.yaml

Two runs of the release server on the AMZN day of the lake, each with --clients WebSocket clients
(--slow of them reading one frame per second through a 4 KiB socket receive buffer and a 4-frame
client buffer), spread over two
client processes, while a third asks /api/query once every 50 ms:
  1. at 100x: the server's peak RSS and its growth over the run, frames received and dropped per
     client (normal and slow; a slow client learns of its drops only when it reads that far, so
     the server's own count of dropped frames is reported too), /api/query latency p50/p99 under
     that load;
  2. at 1x: event-to-client latency of heatmap columns (the client's clock minus the `wall` the
     column left the replay with; same machine, same clock), p50/p99.
Prints one JSON object; docs/PERFORMANCE.md quotes it with this command.
"""
import argparse
import asyncio
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from common import RELEASE_BINARY


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_server(binary, lake, config, speed, max_clients):
    p = subprocess.Popen([binary, "serve", "--lake", lake, "--config", config, "--symbol", "AMZN", "--date", "2012-06-21",
                          "--time", "10:00", "--speed", str(speed), "--port", "0", "--max-clients", str(max_clients)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = ""
    while "open http://" not in line:
        line = p.stderr.readline()
        if not line and p.poll() is not None:
            raise SystemExit("serve did not start")
    url = line.split("open ")[1].split()[0].rstrip("/")
    threading.Thread(target=lambda: p.stderr.read(), daemon=True).start()
    return p, url


def clients_process(url, count, slow, seconds, queue):
    import websockets

    async def client(i):
        is_slow = i < slow
        stats = {"slow": is_slow, "frames": 0, "columns": 0, "dropped": 0, "latency_ms": []}
        ws_url = url.replace("http://", "ws://") + "/ws"
        sock = None
        if is_slow:
            # A small receive buffer, so that the slow reader's socket fills within the run.
            host, port = url.split("//")[1].split(":")
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect((host, int(port)))
            sock.setblocking(False)
        async with websockets.connect(ws_url, max_size=1 << 26, max_queue=4 if is_slow else 256, sock=sock,
                                      ping_interval=None) as ws:
            end = time.time() + seconds
            while time.time() < end:
                try:
                    msg = await asyncio.wait_for(ws.recv(), timeout=max(0.01, end - time.time()))
                except asyncio.TimeoutError:
                    break
                stats["frames"] += 1
                if msg.startswith('{"type":"column"'):
                    stats["columns"] += 1
                    k = msg.rfind('"wall":')
                    if k > 0 and not is_slow:
                        stats["latency_ms"].append((time.time_ns() - int(msg[k + 7:-1])) / 1e6)
                elif msg.startswith('{"type":"lagging"'):
                    stats["dropped"] = json.loads(msg)["dropped_total"]
                if is_slow:
                    await asyncio.sleep(1.0)
        return stats

    async def guarded(i):
        try:
            return await client(i)
        except Exception as e:  # a client that failed is reported, not lost
            return {"slow": i < slow, "frames": 0, "columns": 0, "dropped": 0, "latency_ms": [], "error": repr(e)}

    async def main():
        return await asyncio.gather(*(guarded(i) for i in range(count)))

    queue.put(asyncio.run(main()))


def query_loop(url, seconds, out):
    lat = []
    end = time.time() + seconds
    while time.time() < end:
        t0 = time.perf_counter()
        with urllib.request.urlopen(url + "/api/query?symbol=AMZN&date=2012-06-21&time=12:21:35&level=or_low") as r:
            r.read()
        lat.append((time.perf_counter() - t0) * 1e3)
        time.sleep(0.05)
    out.extend(lat)


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))], 2)


def run(binary, lake, config, speed, clients, slow, seconds):
    server, url = start_server(binary, lake, config, speed, clients + 10)
    time.sleep(1.0)
    rss = [rss_kib(server.pid)]
    q = mp.Queue()
    half = clients // 2
    procs = [mp.Process(target=clients_process, args=(url, half, slow, seconds, q)),
             mp.Process(target=clients_process, args=(url, clients - half, 0, seconds, q))]
    for p in procs:
        p.start()
    queries = []
    qt = threading.Thread(target=query_loop, args=(url, seconds, queries))
    qt.start()
    samples = []
    end = time.time() + seconds
    while time.time() < end:
        samples.append(rss_kib(server.pid))
        time.sleep(0.5)
    results = [q.get() for _ in procs]
    for p in procs:
        p.join()
    qt.join()
    with urllib.request.urlopen(url + "/metrics") as r:
        metrics = {l.split()[0]: float(l.split()[1]) for l in r.read().decode().splitlines() if l and not l.startswith("#")}
    server.terminate()
    server.wait()
    stats = [s for r in results for s in r]
    normal = [s for s in stats if not s["slow"]]
    slowest = [s for s in stats if s["slow"]]
    third = max(1, len(samples) // 3)
    return {
        "speed": speed, "clients": len(stats), "slow_clients": len(slowest), "seconds": seconds,
        "rss_mib": {"before_clients": round(rss[0] / 1024, 1), "peak": round(max(samples) / 1024, 1),
                    "first_third_mean": round(sum(samples[:third]) / third / 1024, 1),
                    "last_third_mean": round(sum(samples[-third:]) / third / 1024, 1)},
        "frames_per_normal_client": {"min": min(s["frames"] for s in normal), "max": max(s["frames"] for s in normal)},
        "dropped_per_normal_client": {"min": min(s["dropped"] for s in normal), "max": max(s["dropped"] for s in normal)},
        "frames_per_slow_client": [s["frames"] for s in slowest],
        "client_errors": [s["error"] for s in stats if "error" in s][:5],
        "dropped_per_slow_client_as_told": [s["dropped"] for s in slowest],
        "server_frames_dropped_total": metrics.get("precedent_frames_dropped_total"),
        "server_frames_sent_total": metrics.get("precedent_frames_sent_total"),
        "column_latency_ms": {"p50": pct([x for s in normal for x in s["latency_ms"]], 0.5),
                              "p99": pct([x for s in normal for x in s["latency_ms"]], 0.99),
                              "n": sum(len(s["latency_ms"]) for s in normal)},
        "query_latency_ms": {"p50": pct(queries, 0.5), "p99": pct(queries, 0.99), "n": len(queries)},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lake", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--binary", default=RELEASE_BINARY)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--slow", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=30)
    a = ap.parse_args()
    fast = run(a.binary, a.lake, a.config, 100, a.clients, a.slow, a.seconds)
    real = run(a.binary, a.lake, a.config, 1, a.clients, a.slow, a.seconds)
    print(json.dumps({"at_100x": fast, "at_1x": real}, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
