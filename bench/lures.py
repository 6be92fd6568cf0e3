#!/usr/bin/env python3
"""Times `emoguard scan --json` over issue 5's fixtures against the Python peers (bench/lures_peers.py); called by
bench/lures.sh, which builds emoguard and the peers' venv first.

    python3 bench/lures.py EMOGUARD PEER_PYTHON [COPIES=6] [RUNS=9]

The fixtures are copied COPIES times into bench/out/lures/<format>/ (c1-NAME, c2-NAME, ...). Per format, emoguard
(one invocation with every path) and the peer (one Python process looping over the same paths) run alternately
RUNS times; wall time is the median, peak RSS the largest maximum resident set size GNU time reports. Then emoguard runs
once per round over the formats the peers cover together, and over the whole set. Fixed costs are measured too:
emoguard on one 75-byte RTF, each peer with no file (Python start and the peer's imports).
"""
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

T = "Tests"
GROUPS = [  # (format, peer or None, sources)
    ("lnk", "LnkParse3 1.6.0", [f"{T}/ShellLinkTests/Resources/fixtures/*", f"{T}/ShellLinkTests/Resources/corpus/*"]),
    ("pe", "pefile 2024.8.26", [f"{T}/PETests/Resources/fixtures/*"]),
    ("rtf", "rtfobj (oletools 0.60.2)", [f"{T}/RTFTests/Resources/corpus/*", f"{T}/RTFTests/Resources/specimens/*"]),
    ("onenote", "pyOneNote 0.0.2", [f"{T}/OneNoteTests/Resources/fixtures/*.one"]),
    ("onepkg-cab", None, [f"{T}/OneNoteTests/Resources/fixtures/*.onepkg", f"{T}/OneNoteTests/Resources/fixtures/*.cab"]),
    ("disk-images", None, [f"{T}/DiskImageTests/Resources/*.{e}" for e in ("iso", "img", "vhd", "gz", "cab")]),
    ("scripts", None, [f"{T}/ScriptsTests/Resources/*"]),
    ("html", None, [f"{T}/HTMLTests/Resources/*.html"]),
    ("mail-lures", None, [f"{T}/InspectionTests/Resources/lures/*"]),
]


def run(cmd, out=subprocess.DEVNULL):
    """Wall seconds, peak RSS (KiB) and exit status of one process. GNU time forks it afresh: a child spawned
    straight from this script would inherit this script's resident size as its ru_maxrss floor."""
    rss_file = "bench/out/.lures-rss"
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file, *cmd], stdout=out, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.stderr.write(p.stderr.decode(errors="replace"))
    return wall, int(open(rss_file).read().split()[-1]), p.returncode


def stage(copies):
    root = "bench/out/lures"
    shutil.rmtree(root, ignore_errors=True)
    staged = {}
    for fmt, _, patterns in GROUPS:
        srcs = sorted({p for pat in patterns for p in glob.glob(pat) if os.path.isfile(p)})
        assert srcs, fmt
        d = os.path.join(root, fmt)
        os.makedirs(d)
        files = []
        for c in range(1, copies + 1):
            for s in srcs:
                dst = os.path.join(d, f"c{c}-{os.path.basename(s)}")
                shutil.copyfile(s, dst)
                files.append(dst)
        staged[fmt] = (srcs, files)
    return staged


def main():
    emoguard, peer_python = sys.argv[1], sys.argv[2]
    copies = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 9
    staged = stage(copies)
    eg = lambda files: [emoguard, "scan", "--json", "--no-progress", *files]
    peer = lambda fmt, files: [peer_python, "bench/lures_peers.py", fmt, *files]
    allfiles = [f for fmt, _, _ in GROUPS for f in staged[fmt][1]]
    covered = [f for fmt, p, _ in GROUPS if p for f in staged[fmt][1]]

    # One untimed pass: emoguard reads every file (no errors) and the peers parse theirs.
    checks = {}
    for fmt, p, _ in GROUPS:
        files = staged[fmt][1]
        with open(f"bench/out/lures-{fmt}.json", "wb") as f:
            run(eg(files), out=f)
        rep = json.load(open(f"bench/out/lures-{fmt}.json"))
        s = rep["summary"]
        assert s["scanned"] == len(files) and s["errors"] == 0, (fmt, s)
        verdicts = {}
        for r in rep["results"]:
            verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
        line = None
        if p:
            line = subprocess.run(peer(fmt, files), capture_output=True, text=True, check=True).stdout.strip()
        checks[fmt] = (verdicts, line)

    times = {}  # key -> list of (wall, rss)
    def timed(key, cmd):
        w, m, rc = run(cmd)
        assert rc in (0, 1), (key, rc)
        times.setdefault(key, []).append((w, m))
    t_start = time.time()
    for _ in range(runs):
        for fmt, p, _ in GROUPS:
            timed(("emoguard", fmt), eg(staged[fmt][1]))
            if p:
                timed(("peer", fmt), peer(fmt, staged[fmt][1]))
        timed(("emoguard", "covered"), eg(covered))
        timed(("emoguard", "all"), eg(allfiles))
        timed(("emoguard", "start"), eg([f"{T}/RTFTests/Resources/specimens/template.rtf"]))
        for fmt, p, _ in GROUPS:
            if p:
                timed(("peer", "start-" + fmt), peer(fmt, []))
    elapsed = time.time() - t_start

    med = lambda key: statistics.median(w for w, _ in times[key])
    rss = lambda key: max(m for _, m in times[key]) // 1024
    runs_s = lambda key: " ".join(f"{w:.3f}" for w, _ in times[key])
    print(f"{len(allfiles)} files ({copies} copies of {sum(len(staged[f][0]) for f, _, _ in GROUPS)} fixtures), "
          f"{sum(os.path.getsize(f) for f in allfiles):,} bytes; {runs} rounds in {elapsed:.1f} s; "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print("| format | files | emoguard median (s) | emoguard peak RSS (MB) | peer | peer median (s) | peer peak RSS (MB) "
          "| ratio (peer / emoguard) | emoguard verdicts | peer parsed |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    peer_total = 0.0
    for fmt, p, _ in GROUPS:
        n = len(staged[fmt][1])
        v = ", ".join(f"{k} {c}" for k, c in sorted(checks[fmt][0].items()))
        e = ("emoguard", fmt)
        if p:
            q = ("peer", fmt)
            peer_total += med(q)
            ok = checks[fmt][1].split()
            print(f"| {fmt} | {n} | {med(e):.3f} | {rss(e)} | {p} | {med(q):.3f} | {rss(q)} | **{med(q) / med(e):.1f}x** "
                  f"| {v} | {ok[2]}, {ok[3]} |")
        else:
            print(f"| {fmt} | {n} | {med(e):.3f} | {rss(e)} | (none) | | | | {v} | |")
    c, a = ("emoguard", "covered"), ("emoguard", "all")
    print(f"| lnk + pe + rtf + onenote in one invocation | {len(covered)} | {med(c):.3f} | {rss(c)} "
          f"| the four peers, one process each (sum of medians) | {peer_total:.3f} | | **{peer_total / med(c):.1f}x** | | |")
    print(f"| whole set in one invocation | {len(allfiles)} | {med(a):.3f} | {rss(a)} | | | | | | |")
    s = ("emoguard", "start")
    print(f"| fixed cost: emoguard on one 75-byte RTF; each peer on no file | 1 / 0 | {med(s):.3f} | {rss(s)} | "
          + ", ".join(f"{p.split()[0]} {med(('peer', 'start-' + fmt)):.3f}" for fmt, p, _ in GROUPS if p)
          + " | | | | | |")
    print("\nruns (s):")
    for key in times:
        print(f"  {key[0]} {key[1]}: {runs_s(key)}")


if __name__ == "__main__":
    main()
