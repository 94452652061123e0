"""Turn a hand annotation list into the offsets file of this folder (see README.md).

Input lines: ``doc_id: surface|TYPE; surface|TYPE; ...`` in reading order. Each surface is
found at or after the previous one (whole words), so the annotator writes names, and the file
keeps offsets only. Run: ``python make_offsets.py de semeval 700 < list.txt > de-semeval.tsv``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from entities import gold_text


def main() -> None:
    lang, source, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(f"# {lang} {source}: doc_id, start, end, type; LIMIT rows give the annotated prefix")
    for line in sys.stdin:
        if not line.strip():
            continue
        doc_id, _, rest = line.partition(": ")
        text = gold_text(source, doc_id.strip())[:limit]
        print(f"{doc_id}\t0\t{limit}\tLIMIT")
        pos = 0
        for item in filter(None, rest.strip().split("; ")):  # "doc_id: " alone: no names
            surface, _, type_ = item.rpartition("|")
            m = re.compile(rf"(?<![\w-]){re.escape(surface)}(?![\w-])").search(text, pos)
            if m is None:
                raise SystemExit(f"{doc_id}: {surface!r} not found after {pos}")
            print(f"{doc_id}\t{m.start()}\t{m.end()}\t{type_}")
            pos = m.end()


if __name__ == "__main__":
    main()
