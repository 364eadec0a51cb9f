"""The learned check-worthiness scorer: shipped in the package, run offline, batched, and it rates
plain checkable statements of news as check-worthy (issue 13, defect 7)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from workers.extraction import extract_claims
from workers.extraction.checkworthiness import LEARNED_DIR, load_learned
from workers.extraction.scoring import CHECKWORTHY_THRESHOLD, MODEL_REASON, analyse_sentence, learned_logits

REPO = Path(__file__).resolve().parents[2]


def best_score(nlp, text: str) -> float:
    return max((claim.score for claim in extract_claims(text, nlp=nlp, language="en").claims), default=0.0)


def test_the_model_ships_in_the_package_small_and_loads_once():
    model = LEARNED_DIR / "checkworthiness.onnx"
    assert model.stat().st_size < 30 * 1024 * 1024
    assert (LEARNED_DIR / "tokenizer.json").is_file()
    assert load_learned() is load_learned()
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(pattern.startswith("extraction/models/") for pattern in package_data["workers"])


def test_the_service_does_not_need_torch():
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not any(dependency.startswith(("torch", "transformers", "sentence-transformers"))
                   for dependency in dependencies)


@pytest.mark.parametrize("text", [
    # The two sentences of issue 13, defect 7.
    "This will be Narendra Modi's first trip to Russia since Moscow launched its military offensive in Ukraine",
    "New Delhi has not been a staunch backer of Kyiv",
    # Written for this test, in the same spirit: firsts since an event, and a country's stance.
    "It will be Olaf Scholz's first visit to Beijing since China reopened its borders after the pandemic.",
    "Lisbon has not been a vocal supporter of the European fishing quota reform.",
    "The Finnish government has never recognised the breakaway region as an independent state.",
    "Ankara bought more than 40 percent of its gas from Russia last year.",
])
def test_checkable_statements_of_news_are_check_worthy(nlp, text):
    assert best_score(nlp, text) >= CHECKWORTHY_THRESHOLD


@pytest.mark.parametrize("text", [
    "Thank you all so much for being here tonight.",
    "I think we need to do better for our children.",
    "Honestly, what a wonderful evening this has been.",
])
def test_pleasantries_and_opinions_are_not(nlp, text):
    assert best_score(nlp, text) < CHECKWORTHY_THRESHOLD


def test_a_batch_gives_each_sentence_the_score_it_has_alone(nlp):
    texts = ["Inflation in Chile reached 7.6 percent in June.",
             "The port of Gdansk handled a record 81 million tonnes of cargo in 2023, the operator said.",
             "Good evening."]
    spans = [nlp(text)[:] for text in texts]
    together = learned_logits(spans)
    alone = [learned_logits([span])[0] for span in spans]
    # Dynamic int8 quantisation scales activations per run, so a batch moves a logit a little
    # (a few hundredths); padding must not move it more than that.
    assert together == pytest.approx(alone, abs=0.1)


def test_reasons_name_the_model_first_and_keep_the_rules(nlp):
    doc = nlp("Unemployment in Estonia fell to 6.1 percent in 2023, the statistics office said.")
    analysis = analyse_sentence(doc[:], doc.ents)
    assert analysis.score >= CHECKWORTHY_THRESHOLD
    assert analysis.reasons[0] == MODEL_REASON
    assert {"number", "named_entity", "reporting_verb"} <= set(analysis.reasons)
    weak = nlp("Thank you all so much for being here tonight.")
    assert MODEL_REASON not in analyse_sentence(weak[:], weak.ents).reasons
