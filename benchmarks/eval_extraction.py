"""Extraction quality on the development data in ../shared/eval: one table, every metric of issues 3 and 13.

The data is read by path and never copied into the repository.

    .venv/bin/python benchmarks/eval_extraction.py [--only newsclaims,ct24,...] [--half tune|check|both]
                                                   [--show-misses N]

Tuning and check halves (issue 13). Each dev file is split in two by a stable hash of a record id:
by document for newsclaims, CT19 transcripts, Factcheck-Bench documents, ClaimDecomp, PropSegment
and the Zyte pages; by sentence for CT24, ClaimBuster groundtruth, subjectivity and PoliClaim. The ids of a file
are ordered by the SHA-256 of "<file>:<id>" and the first half (rounded up) is the `tune` half, the
rest the `check` half, so the halves are the same on every run and machine and are as even as the
file allows. Every metric keeps its own code and is computed on each half apart; `--half both`
(the default) prints them side by side.

**Rules, weights and thresholds may only be tuned on the `tune` half** (and on ClaimBuster training
data by cross-validation); the `check` half is for reporting. `--show-misses` lists the tuning
half's misses unless `--half check` is asked for explicitly. The moscow-times example is not part
of any data set and is measured whole in each half.
"""
from __future__ import annotations

import argparse
import base64
import collections
import datetime
import gzip
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EVAL = SHARED / "eval"
EXAMPLE = SHARED / "examples" / "moscow-times-modi-visit.txt"
sys.path.insert(0, str(REPO))

from service.config import Settings
from workers.extraction import ExtractionResult, extract_claims, load_nlp
from workers.extraction.scoring import CHECKWORTHY_THRESHOLD

_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
_THIRD_PERSON = frozenset({"he", "she", "it", "they", "his", "her", "its", "their"})
_UNQUOTE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_SPACES = re.compile(r"\s+")
# "It’s": spaCy's English model knows contractions only with a straight apostrophe (with the curly one
# "’s" gets no lemma), so "It’s clear that ..." would not read as an expletive where "It's" does.
_CURLY_APOSTROPHE = re.compile(r"(?<=[^\W\d_])’(?=[^\W\d_])")


HALVES = ("tune", "check")
ZYTE = "boilerplate_article_extraction"
# The id a file is split by: a document's for document-level metrics, a sentence's otherwise.
SPLIT_KEYS: dict[str, Callable[[dict], str]] = {
    "newsclaims_dev.jsonl": lambda record: str(record["doc_id"]),
    "ct19_t1_debates_train.jsonl": lambda record: str(record["doc_id"]),
    "factcheckgpt_decomposition_dev.jsonl": lambda record: str(record["doc_id"]),
    "claimdecomp_dev.jsonl": lambda record: str(record["example_id"]),
    ZYTE: lambda record: str(record["id"]),
    "ct24_t1_english_dev_test.jsonl": lambda record: str(record["id"]),
    "claimbuster_groundtruth.jsonl": lambda record: str(record["id"]),
    "subjectivity_news_en.jsonl": lambda record: str(record["id"]),
    "policlaim_train_golden.jsonl": lambda record: f"{record['speech']}:{record['index_in_speech']}",
    "propsegment_wiki_dev.jsonl": lambda record: str(record["document_id"]),
}


def read_jsonl(path: Path) -> list[dict]:
    with path.open() as lines:
        return [json.loads(line) for line in lines]


def split(name: str, keys: Iterable[str]) -> dict[str, str]:
    """Each id's half: ids ordered by a stable hash, the first half (rounded up) for tuning."""
    unique = sorted(set(keys), key=lambda key: (hashlib.sha256(f"{name}:{key}".encode()).digest(), key))
    cut = (len(unique) + 1) // 2
    return {key: HALVES[position >= cut] for position, key in enumerate(unique)}


def in_half(name: str, data: list[dict], half: str | None) -> list[dict]:
    """The records of `data` (all of file `name`) that fall in `half`; all of them for None."""
    if half is None:
        return data
    key = SPLIT_KEYS[name]
    halves = split(name, (key(record) for record in data))
    return [record for record in data if halves[key(record)] == half]


_HALF: list[str | None] = [None]  # the half the metrics now read, set by main()


def records(name: str) -> list[dict]:
    return in_half(name, read_jsonl(EVAL / name), _HALF[0])


def token_f1(left: str, right: str) -> float:
    a = collections.Counter(word.lower() for word in _WORD.findall(left))
    b = collections.Counter(word.lower() for word in _WORD.findall(right))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def comparable(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_UNQUOTE)).strip()


class Run:
    """Every claim the harness produced, for the corpus-wide pronoun check."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self.claim_texts: list[str] = []
        self.misses: dict[str, list[str]] = collections.defaultdict(list)

    def extract(self, text: str, **kwargs) -> ExtractionResult:
        result = extract_claims(text, nlp=self.nlp, **kwargs)
        self.claim_texts += [claim.text for claim in result.claims]
        return result

    def sentence_score(self, text: str) -> float:
        """A lone sentence's check-worthiness: its best claim's score, 0 without a claim."""
        result = extract_claims(text, nlp=self.nlp, language="en")
        return max((claim.score for claim in result.claims), default=0.0)


# -- metrics --------------------------------------------------------------------------------


def newsclaims_recall(run: Run) -> tuple[float, str]:
    hits = total = negatives = negatives_kept = 0
    for record in records("newsclaims_dev.jsonl"):
        spans = [(claim.start, claim.end) for claim in run.extract(record["text"]).claims]
        for sentence in record["sentences"]:
            inside = any(start < sentence["end_char"] and sentence["start_char"] < end for start, end in spans)
            if sentence["is_claim"]:
                total += 1
                hits += inside
                if not inside:
                    run.misses["newsclaims"].append(sentence["text"])
            else:
                negatives += 1
                negatives_kept += inside
    return hits / total, f"{hits}/{total}; unlabelled sentences kept {negatives_kept / negatives:.2f}"


def factcheckgpt_matched(run: Run) -> tuple[float, str]:
    matched = total = 0
    for record in records("factcheckgpt_decomposition_dev.jsonl"):
        response = record["response"]
        claims = run.extract(response).claims
        position = 0
        for sentence in record["sentences"]:
            start = response.find(sentence["text"], position)
            if start < 0:
                start = response.find(sentence["text"][:40], position)
            end = start + len(sentence["text"]) if start >= 0 else -1
            if start >= 0:
                position = start
            ours = [claim.text for claim in claims if start >= 0 and claim.start < end and start < claim.end]
            for human in sentence["claims"]:
                total += 1
                best = max((token_f1(human, our) for our in ours), default=0.0)
                matched += best >= 0.5
                if best < 0.5:
                    run.misses["factcheckgpt"].append(f"{human}  <-  {ours}")
    return matched / total, f"{matched}/{total} human claims"


def propsegment_matched(run: Run) -> tuple[float, str]:
    """Human propositions (token subsets, "…" between the parts) matched by a claim of their
    sentence. PropSegment cuts finer than a checker needs ("is a film", "is an American film"),
    so its figure has no target; its misses show claims that lose or garble what was said."""
    matched = total = 0
    for record in records("propsegment_wiki_dev.jsonl"):
        document = record["document"]
        claims = run.extract(document, language="en").claims
        position = 0
        for sentence in record["sentences"]:
            start = document.find(sentence["text"], position)
            if start < 0 or not sentence.get("annotated") or sentence["reference"].get("non_informational"):
                continue
            position, end = start, start + len(sentence["text"])
            ours = [claim.text for claim in claims if claim.start < end and start < claim.end]
            for proposition in sentence["reference"]["propositions"]:
                total += 1
                best = max((token_f1(proposition.replace("…", " "), our) for our in ours), default=0.0)
                matched += best >= 0.5
                if best < 0.5:
                    run.misses["propsegment"].append(f"{proposition}  <-  {ours}")
    return matched / total, f"{matched}/{total} propositions"


def _politifact_claim(text: str) -> str:
    return re.sub(r"^(?:Says|Say|Said)\s+(?:that\s+)?", "", text.strip())


def claimdecomp_found(run: Run) -> tuple[float, str]:
    found = total = 0
    for record in records("claimdecomp_dev.jsonl"):
        article = "\n".join(record["article_paragraphs"])
        checked = _politifact_claim(record["claim"])
        claims = run.extract(article).claims
        best = max((token_f1(checked, claim.text) for claim in claims), default=0.0)
        total += 1
        found += best >= 0.5
        if best < 0.5:
            run.misses["claimdecomp"].append(f"{best:.2f} {checked}")
    return found / total, f"{found}/{total} articles (token F1 >= 0.5)"


def ct24_f1(run: Run) -> tuple[float, str]:
    data = records("ct24_t1_english_dev_test.jsonl")
    scores = [run.sentence_score(record["text"]) for record in data]
    labels = [bool(record["checkworthy"]) for record in data]
    best = max((_f1(scores, labels, threshold / 100), threshold / 100) for threshold in range(1, 100))
    f1 = _f1(scores, labels, CHECKWORTHY_THRESHOLD)
    return f1, f"threshold {CHECKWORTHY_THRESHOLD}; best {best[0]:.3f} at {best[1]:.2f}; AUC {_auc(scores, labels):.3f}"


def _f1(scores: list[float], labels: list[bool], threshold: float) -> float:
    tp = sum(score >= threshold and label for score, label in zip(scores, labels))
    fp = sum(score >= threshold and not label for score, label in zip(scores, labels))
    fn = sum(score < threshold and label for score, label in zip(scores, labels))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _auc(scores: list[float], labels: list[bool]) -> float:
    positives = sorted(score for score, label in zip(scores, labels) if label)
    negatives = sorted(score for score, label in zip(scores, labels) if not label)
    wins = 0.0
    for score in positives:
        below = _count_below(negatives, score)
        ties = _count_below(negatives, score, inclusive=True) - below
        wins += below + ties / 2
    return wins / (len(positives) * len(negatives))


def _count_below(values: list[float], score: float, inclusive: bool = False) -> int:
    import bisect

    return (bisect.bisect_right if inclusive else bisect.bisect_left)(values, score)


def ct19_map(run: Run) -> tuple[float, str]:
    precisions = []
    for record in records("ct19_t1_debates_train.jsonl"):
        lines = [line for line in record["lines"] if line["speaker"] != "SYSTEM"]
        scored = [(run.sentence_score(line["text"]), -index, line["label"]) for index, line in enumerate(lines)]
        scored.sort(reverse=True)
        hits, total = 0, 0.0
        for rank, (_score, _index, label) in enumerate(scored, 1):
            if label:
                hits += 1
                total += hits / rank
        if hits:
            precisions.append(total / hits)
    return sum(precisions) / len(precisions), f"{len(precisions)} transcripts"


def subjectivity_auc(run: Run) -> tuple[float, str]:
    data = records("subjectivity_news_en.jsonl")
    scores = [run.sentence_score(record["text"]) for record in data]
    labels = [record["label"] == "OBJ" for record in data]
    kept_subj = sum(score >= CHECKWORTHY_THRESHOLD for score, label in zip(scores, labels) if not label)
    return _auc(scores, labels), f"SUBJ at or above threshold: {kept_subj}/{labels.count(False)}"


def zyte_in_body(run: Run) -> tuple[float, str]:
    inside = total = pages = 0
    every = [record for part in sorted(EVAL.glob(f"{ZYTE}_part*.jsonl")) for record in read_jsonl(part)]
    for record in in_half(ZYTE, every, _HALF[0]):
        html = gzip.decompress(base64.b64decode(record["html_gz_b64"])).decode("utf-8", "replace")
        gold = comparable(record["gold_article_body"])
        pages += 1
        for claim in run.extract(None, html=html).claims:
            total += 1
            if comparable(claim.sentence) in gold:
                inside += 1
            else:
                run.misses["zyte"].append(f"{record['url'][:50]} | {comparable(claim.sentence)[:160]}")
    return inside / total, f"{inside}/{total} claims of {pages} pages"


def example_article(run: Run) -> tuple[float, str]:
    text = EXAMPLE.read_text()
    appeal_start = text.index("A Message from")
    result = run.extract(text, published_at=datetime.date(2024, 7, 4))
    body_sentences = [line for line in text[:appeal_start].splitlines() if line.strip()]
    covered = sum(any(claim.start < text.index(line) + len(line) and text.index(line) <= claim.start
                      for claim in result.claims) for line in body_sentences)
    from_appeal = sum(claim.start >= appeal_start for claim in result.claims)
    for claim in result.claims:
        run.misses["example"].append(f"{claim.score:.2f} {claim.kind:9} {claim.text}")
    return covered / len(body_sentences), (f"{len(result.claims)} claims; body paragraphs with a claim "
                                            f"{covered}/{len(body_sentences)}; claims from the appeal: {from_appeal}")


def pronoun_share(run: Run) -> tuple[float, str]:
    """Claims with a third-person pronoun outside quotes before anything in the claim it could refer to:
    a name, or a noun of the same number ("Charter schools ... their"). Strictly by names alone in the detail."""
    dangling = strict = 0
    texts = (_CURLY_APOSTROPHE.sub("'", _SPACES.sub(" ", _QUOTED.sub('"…"', text))) for text in run.claim_texts)
    for doc in run.nlp.pipe(texts):
        singular = plural = unnamed = False
        for token in doc:
            if token.pos_ == "PROPN" or token.ent_type_:
                break  # a name: what any later pronoun can refer to
            if token.pos_ == "NOUN":
                plural = plural or token.tag_ == "NNS" or token.dep_ == "conj"
                singular = singular or token.tag_ == "NN"
            if token.lower_ in _THIRD_PERSON and token.pos_ == "PRON" and not _expletive(token):
                unnamed = True
                if not (plural if token.lower_ in ("they", "their") else singular):
                    dangling += 1
                    run.misses["pronouns"].append(doc.text)
                    break
        strict += unnamed
    total = len(run.claim_texts)
    return dangling / total if total else 0.0, (f"{dangling}/{total} claims of every data set above; "
                                                f"by names alone {strict} ({strict / max(total, 1):.3f})")


def _expletive(token) -> bool:
    """"It is not known whether ...", "it is fair to say ...", "when it comes to ...": an "it" that
    stands for the clause after it, or for nothing, not for a referent."""
    if token.dep_ == "expl":
        return True
    if token.lower_ != "it" or token.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = token.head
    if verb.lemma_ in ("come", "turn") and any(child.lower_ in ("to", "out") for child in verb.children):
        return True
    if verb.lemma_ not in ("be", "seem", "appear", "remain", "know", "believe", "report", "expect", "estimate",
                           "take", "become"):
        return False
    # The clause hangs on the verb or on its complement ("it is [fair] to say").
    heads = [verb, *(child for child in verb.children if child.dep_ in ("acomp", "attr"))]
    return any(child.dep_ in ("ccomp", "xcomp", "csubj", "advcl") and child.i > verb.i
               for head in heads for child in head.children)


# Targets: issue 13's where it sets one (CT24, CT19, Factcheck-Bench, NewsClaims, pronouns), else
# issue 3's. Issue 13 retired the subjectivity target (no licensed opinion-labelled news to learn
# it from): its figure is still printed, against no target. PropSegment never had one.
METRICS: list[tuple[str, str, str, float | None, Callable[[Run], tuple[float, str]]]] = [
    ("example", "moscow-times example", "body paragraphs covered, none from the appeal", 1.0, example_article),
    ("newsclaims", "newsclaims_dev", "recall of claim sentences", 0.93, newsclaims_recall),
    ("factcheckgpt", "factcheckgpt_decomposition_dev", "human atomic claims matched", 0.80, factcheckgpt_matched),
    ("claimdecomp", "claimdecomp_dev", "articles with the checked claim", 0.80, claimdecomp_found),
    ("ct24", "ct24_t1_english_dev_test", "F1 of Yes, score thresholded", 0.80, ct24_f1),
    ("ct19", "ct19_t1_debates_train", "MAP of score per transcript", 0.22, ct19_map),
    ("subjectivity", "subjectivity_news_en", "AUC of score, OBJ over SUBJ", None, subjectivity_auc),
    ("zyte", "boilerplate_article_extraction_*", "claims in the gold body", 0.98, zyte_in_body),
    ("pronouns", "all claims", "dangling third-person pronoun", 0.03, pronoun_share),
    # After the pronoun check, whose population (the claims of the data sets above) it leaves as it was.
    ("propsegment", "propsegment_wiki_dev", "propositions matched", None, propsegment_matched),
]
_AT_MOST = {"pronouns"}


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated metric keys: " + ",".join(m[0] for m in METRICS))
    parser.add_argument("--half", choices=("tune", "check", "both"), default="both",
                        help="measure the tuning half, the check half, or both side by side (default)")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N", help="print N misses per metric")
    args = parser.parse_args(argv)
    if not EVAL.exists():
        sys.exit(f"no evaluation data at {EVAL}")
    chosen = set(args.only.split(",")) if args.only else {metric[0] for metric in METRICS}
    halves = list(HALVES) if args.half == "both" else [args.half]
    nlp = load_nlp(Settings.from_env().spacy_model)
    # One Run per half: the pronoun check reads the claims of its own half only.
    runs = {half: Run(nlp) for half in halves}
    rows = []
    for key, data, metric, target, measure in METRICS:
        if key not in chosen:
            continue
        values, details = [], []
        for half in halves:
            _HALF[0] = half
            started = time.perf_counter()
            value, detail = measure(runs[half])
            met = target is None or (value <= target if key in _AT_MOST else value >= target)
            values.append(f"{value:.3f}" + ("" if met else " ✗"))
            details.append(f"{half}: {detail} ({time.perf_counter() - started:.0f} s)")
        shown_target = "none" if target is None else ("≤ " if key in _AT_MOST else "≥ ") + f"{target:.2f}"
        rows.append((data, metric, *values, shown_target, "; ".join(details)))
    headers = ("data", "metric", *halves, "target", "detail (✗: target not met)")
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(cell).ljust(w) for cell, w in zip(row, widths)))
    if args.show_misses:
        # The check half's misses are not for reading while tuning: shown only when asked for alone.
        shown = runs["check"] if args.half == "check" else runs["tune"]
        for key, misses in shown.misses.items():
            print(f"\n## {key}: {len(misses)}")
            for miss in misses[: args.show_misses]:
                print("  " + miss[:300])


if __name__ == "__main__":
    main()
