"""Prints the table of an alternating benchmark: per cell, each side's server CPU per message
(median and minimum of its runs) and its ratio to the first side's. Medians, and minimums: on a
shared host, stolen CPU only ever adds, so the least of many runs is the steadiest figure.

usage: python3 Benchmarks/ab_table.py RAW_JSONL SIDE [SIDE ...]   (labels are CELL/SIDE)
"""
import collections
import json
import statistics
import sys

raw, base, *others = sys.argv[1:]
cpu = collections.defaultdict(list)
for line in open(raw):
    result = json.loads(line)
    cpu[result["label"]].append(result["server_cpu_us_per_message"])
header = f"| cell | {base} µs/msg (median, min) |" + "".join(
    f" {side} µs/msg (median, min) | {side} ÷ {base} (median, min) |" for side in others)
print(header)
print("|---|---|" + "---|---|" * len(others))
for cell in dict.fromkeys(label.split("/")[0] for label in cpu):
    first = cpu[f"{cell}/{base}"]
    row = f"| {cell} | {statistics.median(first)}, {min(first)} |"
    for side in others:
        runs = cpu[f"{cell}/{side}"]
        row += (f" {statistics.median(runs)}, {min(runs)} |"
                f" {statistics.median(runs) / statistics.median(first):.3f}, {min(runs) / min(first):.3f} |")
    print(row)
