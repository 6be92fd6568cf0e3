#!/usr/bin/env python3
"""Records what the peer tools say about every file of Tests/Corpus/oletools, for the differential test.

For each file (and each member of the corpus's password-protected .zip files, password "infected-test"):
  - olevba 0.60.2 --json: container type, VBA modules (stream, file name, code with line endings normalised, and
    its SHA-256), the analysis keywords by type (AutoExec, Suspicious, IOC, ...), whether XLM macros were found;
  - mraptor 0.60.2: its exit code and verdict;
  - msodde 0.60.2 (files under msodde/): the DDE links it prints;
  - oleobj 0.60.2 (files under oleobj/): the embedded files it extracts (name, size, MD5) and the external
    relationships it reports.
Goldens go to Tests/InspectionTests/Resources/olevba-golden/<path>.json. Regenerate with:

    python3 -m venv .venv-golden && .venv-golden/bin/pip install oletools==0.60.2 msoffcrypto-tool
    .venv-golden/bin/python scripts/make-olevba-goldens.py

olevba aborts a batch at the first file it cannot decrypt, so every file is run on its own.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "oletools")
OUT = os.path.join(ROOT, "Tests", "InspectionTests", "Resources", "olevba-golden")
BIN = os.path.dirname(sys.executable)
ZIP_PASSWORD = b"infected-test"


def norm(code):
    return "\n".join(line.rstrip() for line in code.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip("\n")


def run(tool, *args, cwd=None):
    p = subprocess.run([os.path.join(BIN, tool)] + list(args), capture_output=True, text=True, cwd=cwd,
                       errors="replace", timeout=600)
    return p.returncode, p.stdout, p.stderr


def olevba(path):
    code, out, _ = run("olevba", "--json", path)
    rec = {"exit": code, "type": None, "macros": [], "analysis": [], "xlm": False, "error": None}
    try:
        items = json.loads(out)
    except json.JSONDecodeError:
        rec["error"] = "no JSON"
        return rec
    for item in items:
        if item.get("type") == "error" or item.get("type") == "msg" and item.get("level") == "ERROR":
            rec["error"] = item.get("msg") or item.get("error")
        if "file" not in item:
            continue
        rec["type"] = item.get("type")
        for m in item.get("macros") or []:
            c = norm(m.get("code") or "")
            entry = {"stream": m.get("ole_stream"), "vba_filename": m.get("vba_filename"),
                     "code_sha256": hashlib.sha256(c.encode("utf-8")).hexdigest(), "lines": c.count("\n") + 1 if c else 0}
            # olevba's BIFF plugin dumps records for every .xls; only a macro-sheet BOUNDSHEET means XLM.
            if (m.get("vba_filename") or "").lower().startswith("xlm") and "Excel 4.0 macro sheet" in (m.get("code") or ""):
                rec["xlm"] = True
            entry["code"] = c if len(c) <= 4000 else c[:4000]
            rec["macros"].append(entry)
        for a in item.get("analysis") or []:
            rec["analysis"].append({"type": a.get("type"), "keyword": a.get("keyword")})
    return rec


def mraptor(path):
    code, out, _ = run("mraptor", path)
    verdicts = {0: "no-macro", 1: "not-office", 2: "macro-ok", 10: "error", 20: "suspicious"}
    return {"exit": code, "verdict": verdicts.get(code, "exit-%d" % code)}


def msodde(path):
    code, out, _ = run("msodde", path)
    lines = out.splitlines()
    links = []
    if "DDE Links:" in out:
        links = [l for l in lines[lines.index("DDE Links:") + 1:] if l.strip()]
    # msodde prints every field of an RTF (two million HYPERLINKs in the RTF spec): keep the DDE ones.
    dde = [l for l in links if "dde" in l.lower()]
    return {"exit": code, "links": dde[:100], "otherFields": len(links) - len(dde)}


def oleobj(path):
    with tempfile.TemporaryDirectory() as d:
        code, out, _ = run("oleobj", "-d", d, path)
        files = []
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            files.append({"name": name, "size": len(data), "md5": hashlib.md5(data).hexdigest()})
        external = [l.strip() for l in out.splitlines() if l.startswith("Found relationship")]
        return {"exit": code, "files": files, "externalRelationships": external}


def record(display, path):
    rel = display
    rec = {"file": rel, "olevba": olevba(path), "mraptor": mraptor(path)}
    if rel.startswith("msodde/"):
        rec["msodde"] = msodde(path)
    if rel.startswith("oleobj/"):
        rec["oleobj"] = oleobj(path)
    dest = os.path.join(OUT, rel + ".json")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as f:
        json.dump(rec, f, indent=1, ensure_ascii=False, sort_keys=True)
    print(rel, rec["olevba"]["type"], len(rec["olevba"]["macros"]), "macros", rec["mraptor"]["verdict"])


def main():
    for dirpath, _, files in sorted(os.walk(CORPUS)):
        for name in sorted(files):
            if name == "LICENSE.md":
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, CORPUS)
            if name.endswith(".zip"):
                with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as d:
                    for member in z.namelist():
                        if member.endswith("/"):
                            continue
                        target = os.path.join(d, os.path.basename(member))
                        with open(target, "wb") as f:
                            f.write(z.read(member, pwd=ZIP_PASSWORD))
                        record(rel + "/" + member, target)
            else:
                record(rel, path)


if __name__ == "__main__":
    main()
