"""Train the shipped check-worthiness model on the ClaimBuster crowdsourced sentences.

Only ``claimbuster_crowdsourced_train.jsonl`` is used (Arslan, Hassan, Li and Tremayne, "A
Benchmark Dataset of Check-worthy Factual Claims", ICWSM 2020): check-worthy factual
sentences (CFS) against the rest. Full-batch training from zero weights, so the same data and
settings give the same file. Prints held-out figures from a seeded 10% split, then trains on
everything and writes workers/extraction/checkworthiness.npz.

    .venv/bin/python scripts/train_checkworthiness.py [--data ../shared/eval/claimbuster_crowdsourced_train.jsonl]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.config import Settings
from workers.extraction import load_nlp
from workers.extraction.checkworthiness import (
    HASH_BITS,
    MODEL_PATH,
    CheckworthinessModel,
    feature_indexes,
)
from workers.extraction.scoring import ALL_REASONS, model_feature_names, rule_analysis
from workers.extraction.text import parse_safe

DEFAULT_DATA = REPO.parent / "shared" / "eval" / "claimbuster_crowdsourced_train.jsonl"
SEED = 20240704


def featurise(texts: list[str]) -> list[np.ndarray]:
    nlp = load_nlp(Settings.from_env().spacy_model)
    rows = []
    for doc in nlp.pipe((parse_safe(text) for text in texts), batch_size=256):
        span = doc[:]
        analysis = rule_analysis(span, tuple(doc.ents))
        rows.append(feature_indexes(model_feature_names(span, analysis.reasons)))
    return rows


def train(rows: list[np.ndarray], labels: np.ndarray, *, l2: float, steps: int, rate: float) -> np.ndarray:
    """Logistic regression, full-batch Adam, L2 on every weight but the bias-free hashing."""
    indexes = np.concatenate(rows)
    row_of = np.repeat(np.arange(len(rows)), [len(row) for row in rows])
    weights = np.zeros(1 << HASH_BITS)
    first, second = np.zeros_like(weights), np.zeros_like(weights)
    # Balanced classes: the positive class is a quarter of the data.
    sample_weight = np.where(labels == 1, 0.5 / labels.mean(), 0.5 / (1 - labels.mean()))
    for step in range(1, steps + 1):
        logits = np.bincount(row_of, weights=weights[indexes], minlength=len(rows))
        residual = (1 / (1 + np.exp(-logits)) - labels) * sample_weight
        gradient = np.bincount(indexes, weights=residual[row_of], minlength=len(weights)) / len(rows)
        gradient += l2 * weights
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient**2
        weights -= rate * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return weights


def predict(weights: np.ndarray, rows: list[np.ndarray]) -> np.ndarray:
    return np.array([1 / (1 + np.exp(-weights[row].sum())) for row in rows])


def report(name: str, scores: np.ndarray, labels: np.ndarray) -> None:
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positives = labels == 1
    auc = (ranks[positives].sum() - positives.sum() * (positives.sum() + 1) / 2) / (
        positives.sum() * (~positives).sum())
    best = max((2 * ((scores >= t) & positives).sum() / ((scores >= t).sum() + positives.sum()), t)
               for t in np.arange(0.05, 1.0, 0.05))
    print(f"{name}: AUC {auc:.3f}; best F1 {best[0]:.3f} at {best[1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rate", type=float, default=0.05)
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args()

    with args.data.open() as lines:
        records = [json.loads(line) for line in lines]
    labels = np.array([record["label"] == "CFS" for record in records], dtype=float)
    rows = featurise([record["text"] for record in records])
    print(f"{len(rows)} sentences, {int(labels.sum())} check-worthy")

    held_out = np.random.default_rng(SEED).random(len(rows)) < 0.1
    train_rows = [row for row, out in zip(rows, held_out) if not out]
    weights = train(train_rows, labels[~held_out], l2=args.l2, steps=args.steps, rate=args.rate)
    report("held-out 10%", predict(weights, [row for row, out in zip(rows, held_out) if out]), labels[held_out])

    weights = train(rows, labels, l2=args.l2, steps=args.steps, rate=args.rate)
    CheckworthinessModel(weights, {}).save(args.output, ALL_REASONS)
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
