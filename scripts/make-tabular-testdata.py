#!/usr/bin/env python3
"""Writes the committed tabular test fixtures from scikit-learn's bundled copies of iris and wine.

usage: scripts/make-tabular-testdata.py <sklearn datasets/data dir> <out dir>

The inputs ship in the Debian package python3-sklearn (BSD-3-Clause), see testdata/README.md:
  apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb x
  scripts/make-tabular-testdata.py x/usr/lib/python3/dist-packages/sklearn/datasets/data testdata/tabular
Their first line is `n_samples,n_features,class names...`, then one row per sample with the class index last.
Outputs (values copied verbatim, rows in the original order):
  iris.csv, wine.csv         a header line, the features, then the label column (iris: `species` names; wine: `class` 0-2)
  iris.libsvm, wine.libsvm   `label index:value ...` with 1-based indices, zero values left out
  wine-no-header.csv         wine_data.csv without its first (metadata) line: no header, 13 features, class index last
  bad/*                      the first rows of iris.csv / iris.libsvm with one defect each (see BAD below)
"""
import sys
from pathlib import Path

FEATURES = {
    "iris": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    "wine": ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
             "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280_od315_of_diluted_wines",
             "proline"],
}
SOURCES = {"iris": "iris.csv", "wine": "wine_data.csv"}


def read(path: Path):
    lines = path.read_text().splitlines()
    head = lines[0].split(",")
    n, d, names = int(head[0]), int(head[1]), head[2:]
    rows = [l.split(",") for l in lines[1:] if l.strip()]
    assert len(rows) == n, (path, len(rows), n)
    assert all(len(r) == d + 1 for r in rows), path
    return names, rows


def write_csv(path: Path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n")


def libsvm_line(label, values):
    feats = [f"{i}:{v}" for i, v in enumerate(values, start=1) if float(v) != 0.0]
    return " ".join([label] + feats)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    (out / "bad").mkdir(parents=True, exist_ok=True)
    iris_csv_rows = None
    for name, file in SOURCES.items():
        classes, rows = read(src / file)
        feats = FEATURES[name]
        assert len(feats) == len(rows[0]) - 1
        if name == "iris":
            header = feats + ["species"]
            csv_rows = [r[:-1] + [classes[int(r[-1])]] for r in rows]
            iris_csv_rows = csv_rows
        else:
            header = feats + ["class"]
            csv_rows = rows
        write_csv(out / f"{name}.csv", header, csv_rows)
        (out / f"{name}.libsvm").write_text("\n".join(libsvm_line(r[-1], r[:-1]) for r in rows) + "\n")
        if name == "wine":
            (out / "wine-no-header.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
        print(f"wrote {out / (name + '.csv')} and {out / (name + '.libsvm')}: {len(rows)} rows, {len(feats)} features")

    header = FEATURES["iris"] + ["species"]
    head = [list(r) for r in iris_csv_rows[:8]]

    def variant(fname, row, col, value):
        rows = [list(r) for r in head]
        if col is None:
            rows[row] = rows[row][:-1]          # drop the last field
        else:
            rows[row][col] = value
        write_csv(out / "bad" / fname, header, rows)

    # Line numbers count the header as line 1: row index 4 is line 6.
    variant("iris-wrong-fields.csv", 4, None, None)
    variant("iris-not-a-number.csv", 4, 2, "1.4cm")
    variant("iris-nan.csv", 4, 1, "NaN")
    variant("iris-infinite.csv", 4, 3, "inf")
    (out / "bad" / "empty.csv").write_text("")
    write_csv(out / "bad" / "iris-header-only.csv", header, [])
    classes, rows = read(src / SOURCES["iris"])
    lib = [libsvm_line(r[-1], r[:-1]) for r in rows[:8]]
    lib[4] = lib[4].replace("3:", "3:x", 1)
    (out / "bad" / "iris-not-a-number.libsvm").write_text("\n".join(lib) + "\n")
    print(f"wrote the bad variants in {out / 'bad'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
