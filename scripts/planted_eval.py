#!/usr/bin/env python3
"""Recall on a public repository of planted credentials: Plazmaz/leaky-repo, whose
`.leaky-meta/secrets.csv` counts, per file, the lines that hold a credential ("risk") and
those that only inform (host names, user names).

    scripts/planted_eval.py LEAKY_REPO_DIR [tool ...]

LEAKY_REPO_DIR is a local copy (fetch it; never commit it). The files are copied to a
scratch tree without the metadata, every tool scans it the way scripts/score.py runs it
(peers from PEERS_VENV or PATH), and each file's found lines count up to its risk count.
"Beyond" counts reported lines over a file's risk and informative counts together, or in
files the list does not name: an upper bound on false alarms (a tool that reports an
informative line is not wrong to).
"""
import collections
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402


def labels(repo):
    out = {}
    for line in open(os.path.join(repo, ".leaky-meta", "secrets.csv")):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, risk, info = line.split(",")
        out[name] = (int(risk), int(info))
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    repo = os.path.abspath(sys.argv[1])
    tools = sys.argv[2:] or ["leakhound"]
    want = labels(repo)
    total = sum(r for r, _ in want.values())
    with tempfile.TemporaryDirectory() as corpus:
        shutil.copytree(repo, os.path.join(corpus, "files"),
                        ignore=shutil.ignore_patterns(".git", ".leaky-meta", "README.md", "LICENSE"))
        print(f"{'tool':<16} {'risk lines':>10} {'recall':>7} {'beyond':>7}")
        for t in tools:
            try:
                found = score.TOOLS[t](corpus)
            except Exception as e:  # a peer that is not installed
                print(f"{t}: not run ({e})", file=sys.stderr)
                continue
            lines = collections.defaultdict(set)
            for path, line in found:
                lines[path[len("files/"):] if path.startswith("files/") else path].add(line)
            got = sum(min(len(lines.get(n, ())), r) for n, (r, _) in want.items())
            beyond = sum(max(0, len(v) - sum(want.get(n, (0, 0)))) for n, v in lines.items())
            print(f"{t:<16} {got:>5}/{total:<4} {got / total:>7.3f} {beyond:>7}")
            if t == "leakhound":
                for n, (r, _) in sorted(want.items()):
                    if len(lines.get(n, ())) < r:
                        print(f"  short {n}: {len(lines.get(n, ()))} of {r}")


if __name__ == "__main__":
    main()
