#!/usr/bin/env python3
"""Write the golden files for the MIME differential test (Tests/MIMETests/PythonDifferentialTests.swift).

For every message in Tests/MIMETests/Resources/python-email/ (Python's own email test corpus, PSF licence), parse it
with email.parser.BytesParser(policy=email.policy.default).parsebytes() -- bytes in, no newline translation -- and
write Tests/MIMETests/Resources/python-email-golden/<name>.json with one entry per part in walk() order:

    index, parent (index or null), depth, content_type (get_content_type()), is_multipart,
    filename (get_filename()), disposition (get_content_disposition()), boundary (get_boundary()),
    payload_len + payload_sha256 (get_payload(decode=True), non-multipart parts only),
    defects (class names after parsing), payload_defects (class names get_payload(decode=True) added),
    preamble / epilogue (length + sha256 of the surrogate-escaped bytes, or null)

Standard library only.  Usage: python3 scripts/python-email-golden.py [corpus_dir] [out_dir]
"""
import email
import email.policy
import hashlib
import json
import sys
from email.parser import BytesParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Tests" / "MIMETests" / "Resources" / "python-email"
OUT = ROOT / "Tests" / "MIMETests" / "Resources" / "python-email-golden"


def digest(text):
    if text is None:
        return None
    data = text.encode("ascii", "surrogateescape") if isinstance(text, str) else bytes(text)
    return {"len": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def parts(msg):
    """walk() order with depth and parent, exactly as Message.walk() descends."""
    out = []

    def visit(part, depth, parent):
        index = len(out)
        out.append((part, depth, parent))
        if part.is_multipart():
            for sub in part.get_payload():
                visit(sub, depth + 1, index)

    visit(msg, 0, None)
    return out


def describe(part, depth, parent, index):
    entry = {
        "index": index,
        "parent": parent,
        "depth": depth,
        "content_type": part.get_content_type(),
        "is_multipart": part.is_multipart(),
    }
    try:
        entry["filename"] = part.get_filename()
    except Exception as exc:  # noqa: BLE001 - record, don't crash
        entry["filename"] = "<error %s>" % type(exc).__name__
    try:
        entry["disposition"] = part.get_content_disposition()
    except Exception as exc:  # noqa: BLE001
        entry["disposition"] = "<error %s>" % type(exc).__name__
    try:
        entry["boundary"] = part.get_boundary()
    except Exception as exc:  # noqa: BLE001
        entry["boundary"] = "<error %s>" % type(exc).__name__
    entry["defects"] = [type(d).__name__ for d in part.defects]
    before = len(part.defects)
    if part.is_multipart():
        entry["payload_len"] = None
        entry["payload_sha256"] = None
    else:
        payload = part.get_payload(decode=True)
        if payload is None:
            payload = b""
        entry["payload_len"] = len(payload)
        entry["payload_sha256"] = hashlib.sha256(payload).hexdigest()
    entry["payload_defects"] = [type(d).__name__ for d in part.defects[before:]]
    entry["preamble"] = digest(part.preamble)
    entry["epilogue"] = digest(part.epilogue)
    return entry


def main():
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else OUT
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(p for p in corpus.iterdir() if p.name.startswith("msg_") and p.suffix == ".txt")
    for path in names:
        msg = BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
        entries = [describe(p, d, par, i) for i, (p, d, par) in enumerate(parts(msg))]
        golden = {"message": path.name, "python": sys.version.split()[0], "parts": entries}
        (out / (path.stem + ".json")).write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print("wrote %d golden files to %s" % (len(names), out))


if __name__ == "__main__":
    main()
