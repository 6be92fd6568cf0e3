#!/usr/bin/env python3
"""Deterministic synthetic feeds for bench/intel.sh (issue 6): N rows in the shape of a real export.

Values are made up and harmless: addresses are spread over 10.0.0.0/8 (private, never routed as C2 in any feed),
names are under .example.invalid, digests are SHA-256 of counters.

  make_intel_feed.py --format urlhaus-csv|list|feodo-csv --rows 1000000 --out FILE [--seed 2023]
"""
import argparse
import hashlib
import random

p = argparse.ArgumentParser()
p.add_argument("--format", default="urlhaus-csv", choices=["urlhaus-csv", "list", "feodo-csv"])
p.add_argument("--rows", type=int, default=1_000_000)
p.add_argument("--seed", type=int, default=2023)
p.add_argument("--out", required=True)
a = p.parse_args()
rng = random.Random(a.seed)
words = ["invoice", "scan", "doc", "report", "payment", "order", "seikyusho", "mitsumori", "shared", "files"]

def ip(i):
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"

with open(a.out, "w", encoding="utf-8", newline="\n") as f:
    if a.format == "urlhaus-csv":
        f.write("################################################################\n"
                "# abuse.ch URLhaus Database Dump (CSV) - SYNTHETIC BENCHMARK   #\n"
                "################################################################\n#\n"
                "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
        for i in range(a.rows):
            host = f"h{i % 200_003}.{rng.choice(words)}.example.invalid"
            path = f"/wp-content/uploads/2022/{1 + i % 12:02d}/{rng.choice(words)}-{i}.{rng.choice(['zip', 'doc', 'xls', 'dll'])}"
            day = 1 + i % 28
            f.write(f'"{i + 1}","2022-11-{day:02d} {i % 24:02d}:{i % 60:02d}:00","http://{host}{path}",'
                    f'"{rng.choice(["online", "offline"])}","","malware_download","emotet,epoch{4 + i % 2}",'
                    f'"https://urlhaus.abuse.ch/url/{i + 1}/","bench"\n')
    elif a.format == "feodo-csv":
        f.write("# first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware\n")
        for i in range(a.rows):
            f.write(f"2022-11-{1 + i % 28:02d} 10:00:00,{ip(i)},{rng.choice([443, 7080, 8080])},"
                    f"{rng.choice(['online', 'offline'])},2023-03-15,{rng.choice(['Emotet', 'QakBot', 'Dridex'])}\n")
    else:
        f.write("# SYNTHETIC BENCHMARK LIST: ip, domain, url, sha256 in turn\n")
        for i in range(a.rows):
            k = i % 4
            if k == 0:
                f.write(ip(i) + "\n")
            elif k == 1:
                f.write(f"c{i}.{rng.choice(words)}.example.invalid\n")
            elif k == 2:
                f.write(f"http://d{i}.example.invalid/{rng.choice(words)}/{i}.zip\n")
            else:
                f.write(hashlib.sha256(str(i).encode()).hexdigest() + "\n")
