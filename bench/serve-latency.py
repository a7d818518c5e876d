#!/usr/bin/env python3
"""Time from saving one article to the live-reload event of `praxis serve`.

Starts `praxis serve --port 0` on a generated corpus, keeps a long-poll
request open on /__praxis/wait as an open page does, appends a sentence to
one article, and measures until the request returns with the new build.
The figure includes the watcher's debounce (the quiet time it waits for an
editor's save burst to end). Prints the median and range of N saves and the
rebuild time praxis itself reports.

Usage: bench/serve-latency.py [PAGES...]   (default: 1000 10000)
The corpora are kept in $PRAXIS_BENCH_DIR (default /dev/shm/praxis-bench),
as praxis-PAGES; $PRAXIS_BIN names another binary to time. The script appends to their articles, so point it at a copy
when others use the same corpora. Needs ../shared/bench/gensite.py beside the checkout and a release build
(`cargo build --release`).
"""
import json, os, re, statistics, subprocess, sys, threading, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gensite.py")
BIN = os.environ.get("PRAXIS_BIN") or os.path.join(REPO, "target", "release", "praxis")
WORK = os.environ.get("PRAXIS_BENCH_DIR") or (
    "/dev/shm/praxis-bench" if os.path.isdir("/dev/shm") else "/tmp/praxis-bench")
SAVES = 7


def wait(url, gen, timeout=60):
    with urllib.request.urlopen(f"{url}__praxis/wait?gen={gen}", timeout=timeout) as r:
        return json.loads(r.read() or b"{}")


def measure(pages):
    site = os.path.join(WORK, f"praxis-{pages}")
    if not os.path.isdir(site):
        subprocess.run([sys.executable, GEN, "--pages", str(pages), "--flavor", "praxis",
                        "--out", site], check=True, stdout=subprocess.DEVNULL)
    proc = subprocess.Popen([BIN, "serve", "--root", site, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rebuilds = []

    def read_stderr():
        for line in proc.stderr:
            m = re.match(r"built \d+ pages and \d+ sections in (\d+) ms", line)
            if m:
                rebuilds.append(int(m.group(1)))

    threading.Thread(target=read_stderr, daemon=True).start()
    try:
        first = proc.stdout.readline()
        url = re.search(r"(http://\S+/)", first).group(1)
        gen = wait(url, 0)["gen"]
        articles = sorted(
            os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content"))
            for f in fs if f.endswith(".md") and not f.startswith("_"))
        times = []
        for i in range(SAVES):
            path = articles[(i * 7919) % len(articles)]
            result = {}
            t = threading.Thread(target=lambda: result.update(wait(url, gen)))
            t.start()
            time.sleep(0.3)  # the request is waiting, as an open page's is
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\nOne more sentence, save {i}.\n")
            start = time.perf_counter()
            t.join()
            times.append((time.perf_counter() - start) * 1000)
            gen = result["gen"]
            time.sleep(0.3)
        rebuild = statistics.median(rebuilds[1:]) if len(rebuilds) > 1 else float("nan")
        print(f"| {pages} | {statistics.median(times):.0f} | {min(times):.0f}–{max(times):.0f} "
              f"| {rebuild:.0f} | {rebuilds[0] if rebuilds else float('nan')} |")
    finally:
        proc.terminate()
        proc.wait()


def main():
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__)
        return
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    os.makedirs(WORK, exist_ok=True)
    print("| pages | save → reload event, median ms | min–max ms | rebuild ms (praxis) | first build ms |")
    print("|---:|---:|---:|---:|---:|")
    for pages in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        measure(pages)


if __name__ == "__main__":
    main()
