#!/usr/bin/env python3
"""Scores a secret scanner on a corpus made by scripts/corpus.py.

    scripts/score.py CORPUS_DIR [TOOL ...]   (default tool: leakhound)

Tools: leakhound (LEAKHOUND=path, default target/release/leakhound), detect-secrets,
kingfisher, gitleaks, betterleaks (found on PATH, or in PEERS_VENV/bin).

A finding counts on the line where it starts. A labeled secret line with a finding is a true
positive; any other line with a finding (a hard negative or filler) is a false positive.
Prints precision, recall and F1 overall, recall per provider, false positives per kind, and
lists the misses and false positives. Exit 0; the thresholds live in the test suite.
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

import peers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


which = peers.find


def rel(corpus, path):
    path = os.path.normpath(path)
    if os.path.isabs(path):
        return os.path.relpath(path, corpus)
    return path


def run_leakhound(corpus):
    exe = os.environ.get("LEAKHOUND") or os.path.join(ROOT, "target", "release", "leakhound")
    out = subprocess.run([exe, "scan", "-f", "json", "--no-ignore", "--no-baseline", "files"],
                         cwd=corpus, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"leakhound failed: {out.stderr}")
    return {("files/" + f["path"], f["line"]) for f in json.loads(out.stdout)}


def run_detect_secrets(corpus):
    exe = which("detect-secrets")
    out = subprocess.run([exe, "scan", "--all-files", "files"], cwd=corpus, capture_output=True, text=True)
    data = json.loads(out.stdout)
    return {(rel(corpus, p), r["line_number"]) for p, rs in data["results"].items() for r in rs}


def run_gitleaks_like(corpus, exe_name, args, report_flags):
    exe = which(exe_name)
    with tempfile.TemporaryDirectory() as t:
        report = os.path.join(t, "r.json")
        flags = [x.replace("REPORT", report) for x in report_flags]
        subprocess.run([exe] + args + flags + ["files"], cwd=corpus, capture_output=True, text=True)
        data = json.load(open(report)) if os.path.exists(report) else []
    if isinstance(data, dict):  # betterleaks: {"findings": [{"location": {...}}]}
        return {(rel(corpus, f["location"]["path"]), f["location"]["start_line"]) for f in data.get("findings", [])}
    return {(rel(corpus, f["File"]), f["StartLine"]) for f in data}


def run_kingfisher(corpus):
    exe = which("kingfisher")
    out = subprocess.run([exe, "scan", "files", "-n", "--no-update-check", "--no-extract-archives", "--format", "json"],
                         cwd=corpus, capture_output=True, text=True)
    found = set()
    text = out.stdout.strip()
    try:
        # The findings object may be followed by a summary object: read the first value.
        data, _ = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError:
        data = [json.loads(l) for l in text.splitlines() if l.strip().startswith("{")]
    items = data if isinstance(data, list) else data.get("findings", [])
    for f in items:
        fi = f.get("finding", f)
        path = fi.get("path") or fi.get("file")
        line = fi.get("line") or fi.get("line_num") or fi.get("start_line")
        if path and line:
            found.add((rel(corpus, path), int(line)))
    return found


TOOLS = {
    "leakhound": run_leakhound,
    "detect-secrets": run_detect_secrets,
    "gitleaks": lambda c: run_gitleaks_like(c, "gitleaks", ["dir", "--no-banner", "--exit-code", "0"],
                                            ["--report-format", "json", "--report-path", "REPORT"]),
    "betterleaks": lambda c: run_gitleaks_like(c, "betterleaks", ["fs", "--no-banner", "--exit-code", "0", "--max-archive-depth=0"],
                                               ["-o", "REPORT"]),
    "kingfisher": run_kingfisher,
}


def score(corpus, found):
    labels = [json.loads(l) for l in open(os.path.join(corpus, "labels.jsonl"))]
    secret = {(l["path"], l["line"]): l for l in labels if l["label"] == "secret"}
    negative = {(l["path"], l["line"]): l for l in labels if l["label"] == "negative"}
    tp = {k for k in found if k in secret}
    fp = {k for k in found if k not in secret}
    p = len(tp) / len(found) if found else 1.0
    r = len(tp) / len(secret) if secret else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    per = defaultdict(lambda: [0, 0])
    for k, l in secret.items():
        per[l["provider"]][1] += 1
        per[l["provider"]][0] += k in tp
    fp_kind = defaultdict(int)
    for k in fp:
        fp_kind[negative[k]["kind"] if k in negative else "filler"] += 1
    misses = sorted(k for k in secret if k not in tp)
    return dict(precision=p, recall=r, f1=f1, tp=len(tp), fp=len(fp), positives=len(secret),
                negatives=len(negative), per_provider=dict(per), fp_kind=dict(fp_kind),
                misses=[(k, secret[k]["provider"]) for k in misses],
                false_positives=sorted((k, negative.get(k, {}).get("kind", "filler")) for k in fp))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    corpus = os.path.abspath(sys.argv[1])
    tools = sys.argv[2:] or ["leakhound"]
    rows = []
    for t in tools:
        try:
            found = TOOLS[t](corpus)
        except Exception as e:  # a peer that is not installed
            print(f"{t}: not run ({e})", file=sys.stderr)
            continue
        s = score(corpus, found)
        rows.append((t, s))
        if t == "leakhound" or len(tools) == 1:
            print(f"\n== {t}: per provider recall")
            for prov, (hit, n) in sorted(s["per_provider"].items()):
                if hit < n:
                    print(f"  {prov:<28} {hit}/{n}")
            print(f"  (all other providers {sum(1 for h, n in s['per_provider'].values() if h == n)} at 100%)")
            print(f"== {t}: false positives by kind: {s['fp_kind']}")
            for (path, line), prov in s["misses"]:
                print(f"  miss  {path}:{line}  {prov}")
            for (path, line), kind in s["false_positives"]:
                print(f"  fp    {path}:{line}  {kind}")
    print(f"\n{'tool':<16} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>5} {'FP':>5}  (positives, hard negatives)")
    for t, s in rows:
        print(f"{t:<16} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['tp']:>5} {s['fp']:>5}"
              f"  ({s['positives']}, {s['negatives']})")
    if os.environ.get("SCORE_JSON"):
        json.dump({t: {k: v for k, v in s.items() if k in ("precision", "recall", "f1", "tp", "fp", "positives", "negatives")}
                   for t, s in rows}, open(os.environ["SCORE_JSON"], "w"))


if __name__ == "__main__":
    main()
