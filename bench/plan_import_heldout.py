"""Held-out measure of the plan parser: target recall and precision on labelled texts it was not tuned on.

    .venv/bin/python bench/plan_import_heldout.py [folder]      # default tests/fixtures/heldout

Each document (.txt, .docx, .pdf …) has a JSON next to it: {"kind": ..., "refused": bool, "targets": [[metric,
comparator, value], …]}. A predicted numeric target counts as correct when an expected one with the same metric,
comparator and value is still unmatched (qualitative targets are not counted on either side). A document the
parser refuses contributes its expected targets to the misses; a document that should be refused and is not
counts its targets as false positives. Prints one line per document, then the figures as the LAST line.
"""

import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings_test")

import django  # noqa: E402

django.setup()

from pcmd.plans.parsing import PlanFileError  # noqa: E402
from pcmd.plans.parsing.extract import extract_text  # noqa: E402
from pcmd.plans.parsing.parser import parse_plan  # noqa: E402


def _key(metric, comparator, value) -> tuple:
    return (metric, comparator, float(value))


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "heldout"
    expected_n = predicted_n = matched_n = 0
    kinds_right = documents = refusals_right = 0
    for label in sorted(folder.glob("*.json")):
        source = next((p for p in folder.glob(label.stem + ".*") if p.suffix != ".json"), None)
        if source is None:
            continue
        truth = json.loads(label.read_text(encoding="utf-8"))
        expected = Counter(_key(*t) for t in truth["targets"])
        documents += 1
        try:
            parsed = parse_plan(extract_text(source.name, source.read_bytes()))
        except PlanFileError as exc:
            parsed, refused = None, str(exc)
        else:
            refused = None
        predicted = Counter()
        if parsed is not None:
            predicted = Counter(_key(t["metric"], t["comparator"], t["value"]) for t in parsed["targets"]
                                if t["metric"] != "qualitative" and t["value"] is not None)
        matched = sum((expected & predicted).values())
        expected_n += sum(expected.values())
        predicted_n += sum(predicted.values())
        matched_n += matched
        should_refuse = bool(truth.get("refused"))
        refusals_right += (refused is not None) == should_refuse
        kind = parsed.get("doc_kind") if parsed else None
        kinds_right += kind == truth.get("kind")
        print(f"{source.name}: expected={sum(expected.values())} predicted={sum(predicted.values())} "
              f"matched={matched} kind={kind} (want {truth.get('kind')})"
              + (f" refused: {refused[:70]}" if refused else ""))
    recall = matched_n / expected_n if expected_n else 1.0
    precision = matched_n / predicted_n if predicted_n else 1.0
    print(f"documents={documents} expected={expected_n} predicted={predicted_n} matched={matched_n} "
          f"recall={recall:.2f} precision={precision:.2f} refusals_right={refusals_right}/{documents} "
          f"kinds_right={kinds_right}/{documents}")


if __name__ == "__main__":
    main()
