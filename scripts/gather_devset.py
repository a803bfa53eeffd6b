"""Gather the dev-set texts again from the gold files' URLs (online; optional).

    python scripts/gather_devset.py [--gold benchmarks/devset/gold] [--out /work/devset/texts]
                                    [--only NAME] [--force] [--html DIR]

The texts are third-party, so they stay out of git: each gold file names its article
(``file``) and its ``url``; this script downloads the page, finds the main text with
trafilatura (a geomap dependency) and writes it to OUT/<file>. ``--html DIR`` reads
saved pages (DIR/<stem>.html) instead of the network. Afterwards every gold mention and
quote is checked against the text (``check_gold``): a page that changed since it was
annotated shows up as the mentions it lost, and the gold's ``note`` says how the annotated
excerpt was cleaned (boilerplate removed), so a fresh text may need the same trimming.
An existing text is kept unless ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.evaluation import check_gold, load_json  # noqa: E402


def fetch_text(url: str, html_file: Path | None) -> str | None:
    """The main text of a page (from a saved copy when given), or None when none was found."""
    try:
        import trafilatura
    except ImportError:
        raise SystemExit("gather_devset: needs trafilatura (pip install -e .)") from None
    if html_file is not None:
        html = html_file.read_text(encoding="utf-8", errors="replace")
    else:
        html = trafilatura.fetch_url(url)
    if not html:
        return None
    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "benchmarks" / "devset" / "gold")
    ap.add_argument("--out", type=Path, default=Path("/work/devset/texts"))
    ap.add_argument("--only", help="substring of the gold file names to gather")
    ap.add_argument("--force", action="store_true", help="overwrite texts that exist")
    ap.add_argument("--html", type=Path, help="folder of saved pages <stem>.html, instead of the network")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for gold_path in sorted(args.gold.glob("*.gold.json")):
        if args.only and args.only not in gold_path.name:
            continue
        gold = load_json(gold_path)
        target = args.out / gold["file"]
        if target.exists() and not args.force:
            print(f"{gold['file']}: kept (exists)")
        else:
            stem = gold_path.name.removesuffix(".gold.json")
            html_file = args.html / f"{stem}.html" if args.html else None
            if html_file is not None and not html_file.is_file():
                print(f"{gold['file']}: no saved page {html_file}")
                failed += 1
                continue
            try:
                text = fetch_text(gold["url"], html_file)
            except Exception as exc:  # one page failing must not stop the others
                text = None
                print(f"{gold['file']}: {gold['url']}: {exc}")
            if not text:
                print(f"{gold['file']}: no text found at {gold['url']}")
                failed += 1
                continue
            target.write_text(text + "\n", encoding="utf-8")
            print(f"{gold['file']}: {len(text)} characters")
        problems = check_gold(gold, target.read_text(encoding="utf-8"), where=gold_path.name)
        for p in problems:
            print(f"  {p}")
        failed += bool(problems)
    print(f"{failed} gold files without a matching text" if failed else "every gold file has its text")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
