#!/usr/bin/env python3
"""The Python peers of bench/lures.sh: one process parses every file of one format, as fully as the peer goes,
and prints one line `FORMAT files=N ok=N errors=N` (errors are exceptions the peer raised, counted, not fatal).
With no FILE it only starts and imports the peer (its fixed cost).

    bench/out/.venv-lures/bin/python bench/lures_peers.py lnk FILE...

lnk      LnkParse3 1.6.0: lnk_file(indata=..., cp="cp1252").get_json(get_all=True) (every structure and extra block)
pe       pefile 2024.8.26: PE(data=...) (full load: imports, exports, resources, relocations, debug, certificate
         directory), every section's entropy, the overlay offset
rtf      rtfobj (oletools 0.60.2): RtfObjParser(data).parse(), and each object's OLE class, package file name and
         payload (the fields the RTF goldens compare)
onenote  pyOneNote 0.0.2: OneDocment(f).get_files() and get_properties() (embedded files and their names)
"""
import sys


def lnk(data):
    import LnkParse3
    return LnkParse3.lnk_file(indata=data, cp="cp1252").get_json(get_all=True)


def pe(data):
    import pefile
    p = pefile.PE(data=data)
    return [s.get_entropy() for s in p.sections], p.get_overlay_data_start_offset(), p.is_dll()


def rtf(data):
    from oletools import rtfobj
    p = rtfobj.RtfObjParser(data)
    p.parse()
    out = []
    for o in p.objects:
        d = [o.start, len(o.rawdata)]
        if o.is_ole:
            d += [o.class_name, o.oledata_size]
        if o.is_package:
            d += [o.filename, o.src_path, len(o.olepkgdata)]
        out.append(d)
    return out


def onenote(data):
    import io
    from pyOneNote.OneDocument import OneDocment
    doc = OneDocment(io.BytesIO(data))
    return doc.get_files(), doc.get_properties()


def main():
    fmt, paths = sys.argv[1], sys.argv[2:]
    parse = {"lnk": lnk, "pe": pe, "rtf": rtf, "onenote": onenote}[fmt]
    # Imported before the loop, so that a run with no files measures the peer's fixed cost (start and imports).
    __import__({"lnk": "LnkParse3", "pe": "pefile", "rtf": "oletools.rtfobj", "onenote": "pyOneNote.OneDocument"}[fmt])
    ok = errors = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        try:
            parse(data)
            ok += 1
        except Exception:  # a peer that raises on a file still paid for reading it
            errors += 1
    print(f"{fmt} files={len(paths)} ok={ok} errors={errors}")


if __name__ == "__main__":
    main()
