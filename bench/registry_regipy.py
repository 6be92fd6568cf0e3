#!/usr/bin/env python3
"""regipy's side of bench/registry.sh: walk every key of a hive and read every value, through the Python API.

    bench/.venv-regipy/bin/python bench/registry_regipy.py HIVE

`RegistryHive.recurse_subkeys()` visits every key and reads its values (`fetch_values=True`, regipy's default
value decoding); the counts are printed so that both sides can be checked to have read the same hive.
"""

import sys
import time

from regipy.registry import RegistryHive


def main():
    start = time.perf_counter()
    hive = RegistryHive(sys.argv[1])
    keys = values = 0
    for subkey in hive.recurse_subkeys(as_json=False, fetch_values=True):
        keys += 1
        values += len(subkey.values)
    print("REGIPY %s: %d keys, %d values in %.2f s" % (sys.argv[1], keys, values, time.perf_counter() - start))


if __name__ == "__main__":
    main()
