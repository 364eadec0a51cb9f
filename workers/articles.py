"""The worker's job on an article: run extraction on the stored text, store the claims, link
them to similar claims in other articles (idempotent: claim ids are deterministic)."""
from __future__ import annotations

import datetime as dt
import time

from service.claims import ArticleStatus, age_key, claim_id, entity_key, factcheck_boosts, normalise_text
from service.lookup import Lookup
from service.matching import find_matches, says_another_thing
from service.store import Store, now_iso


def parse_published_at(value: str | None) -> dt.date | dt.datetime | None:
    if not value:
        return None
    return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)


def process_article(store: Store, article_id: str, *, spacy_model: str | None = None,
                    suggest_at: float = 0.75, confirm_at: float = 0.92) -> dict:
    """Run extraction on a stored article and store its claims (idempotent: claim ids are
    deterministic, so a second run leaves one set of claims)."""
    # Imported on first use so beat and webhook-only workers never load spaCy.
    from workers.extraction import EXTRACTOR, extract_claims, load_nlp

    source = store.article_source(article_id)
    timings = {**source["timings"], "started_at": now_iso()}
    store.mark_processing(article_id, timings=timings)
    started = time.perf_counter()
    result = extract_claims(
        source["text"], html=source["html"], published_at=parse_published_at(source["published_at"]),
        title=source["title"], language=source["language"], nlp=load_nlp(spacy_model))
    created_age_key = age_key(time.time())
    claims = []
    seen_starts: dict[int, int] = {}
    seen_ids: set[str] = set()
    for extracted in result.claims:
        record = extracted.to_dict()
        record_id = claim_id(article_id, record["text"])
        if record_id in seen_ids:  # same claim twice in one article: keep the first
            continue
        seen_ids.add(record_id)
        span = record.pop("span")
        # Unique index score per claim: text order, ties broken by extraction order.
        ordinal = seen_starts.get(span["start"], 0)
        seen_starts[span["start"]] = ordinal + 1
        record.pop("start", None)
        record.pop("end", None)
        claims.append({
            "id": record_id,
            "score": record["score"],
            "age_key": created_age_key,
            "entity_keys": sorted({entity_key(e.get("canonical") or e["text"])
                                   for e in record.get("entities", ()) if e.get("text")}),
            "start": span["start"] * 1000 + min(ordinal, 999),
            "fields": {**record, "text": normalise_text(record["text"]),
                       "span_start": span["start"], "span_end": span["end"]},
        })
    timings.update(finished_at=now_iso(), extraction_ms=round((time.perf_counter() - started) * 1000, 1))
    article_fields = {
        "status": ArticleStatus.DONE.value,
        "language": result.language,
        "skipped_reason": result.skipped_reason or "",
        "extractor": EXTRACTOR,
        "timings": timings,
    }
    if source["html"] is not None:
        article_fields["text"] = result.text
    created = set(store.store_extraction(article_id, claims, article_fields))
    link_new_claims(store, article_id, [c for c in claims if c["id"] in created],
                    suggest_at=suggest_at, confirm_at=confirm_at)
    return store.get_article(article_id)


def link_new_claims(store: Store, article_id: str, claims: list[dict], *, suggest_at: float,
                    confirm_at: float) -> None:
    """Find each new claim's matches in other articles (shared entity, then similar text)."""
    for claim in claims:
        candidates = store.match_candidates(claim["entity_keys"], exclude_article=article_id)
        matches = find_matches(claim["fields"]["text"], candidates, suggest_at=suggest_at,
                               confirm_at=confirm_at)
        store.link_matches(claim["id"], [{"claim_id": m.claim_id, "score": m.score, "tier": m.tier.value,
                                          "differences": list(m.differences)} for m in matches[:20]])


def match_by_meaning(store: Store, lookup: Lookup, article_id: str) -> int:
    """Each live claim of the article against the fact-checks and our reviewed claims, by meaning
    and words (named entities or not): the fact-checks it matches go on the claim, the reviewed
    claims become its matches, in any language (the embeddings are multilingual). Idempotent:
    what is attached already is skipped."""
    attached = 0
    live = [claim for claim in store.article_claims(article_id) if not claim.get("retracted")]
    for claim, (factchecks, claims) in zip(live, lookup.matches_for_claims(store, live)):
        boost = any(factcheck_boosts(found["rating"]) and not says_another_thing(found["differences"])
                    for found in factchecks)
        attached += store.attach_factchecks(claim["id"], factchecks, boost=boost)
        attached += store.link_matches(claim["id"], claims)
    return attached
