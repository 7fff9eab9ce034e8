"""Add one hand-labelled page as a placeholder layout fixture (development tool).

    python scripts/add_fixture.py PAGE.txt ROLES.txt --paper paper-11 --names 王某,李某

PAGE.txt is the page text as printed (kept out of the repository); ROLES.txt has one
role per non-blank line of the page (see baoku/segment/roles.py). The page's words are
replaced by filler (make_layout_fixtures.scrub_line), keeping layout facts; the names
given (reporters, correspondents, photographers) become placeholder names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_layout_fixtures import OUT, placeholder_name, scrub_line

from baoku.segment.classify import classify
from baoku.segment.roles import ROLES
from baoku.segment.train import cleaned


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", type=Path)
    parser.add_argument("roles", type=Path)
    parser.add_argument("--paper", required=True)
    parser.add_argument("--names", default="")
    args = parser.parse_args()
    text = args.page.read_text(encoding="utf-8")
    roles = [r.strip() for r in args.roles.read_text(encoding="utf-8").split("\n") if r.strip()]
    bad = [r for r in roles if r not in ROLES]
    if bad:
        sys.exit(f"unknown roles: {bad}; known: {ROLES}")
    lines = classify(cleaned(text))
    if len(lines) != len(roles):
        for n, item in enumerate(lines):
            print(n, roles[n] if n < len(roles) else "?", item.text[:40])
        sys.exit(f"{len(lines)} non-blank lines but {len(roles)} roles")
    names = {n: placeholder_name(n) for n in sorted(filter(None, args.names.split(",")),
                                                    key=len, reverse=True)}
    scrubbed = "\n".join(scrub_line(line, (args.page.name, i), names)
                         for i, line in enumerate(text.split("\n")))
    name = f"{args.paper}_{args.page.stem}"
    out = OUT / f"{name}.json"
    out.write_text(json.dumps({"source": f"{name}.txt", "paper": args.paper, "text": scrubbed,
                               "roles": roles, "alignment_problems": []},
                              ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
