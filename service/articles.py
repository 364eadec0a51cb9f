"""Articles: submission (dedupe by content) and turning an extraction run into stored claims."""
from __future__ import annotations

import datetime as dt
import secrets
import time

from service.claims import ArticleStatus, DomainError, age_key, claim_id, content_hash, entity_key, normalise_text
from service.matching import find_matches
from service.store import Store, now_iso


class ArticleTooLarge(DomainError):
    pass


def _article_body(data: dict, *, max_bytes: int) -> tuple[str, str]:
    """(field, body) of a submission: its text or its HTML, within the size limit."""
    field = "text" if data.get("text") is not None else "html"
    body = data[field]
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ArticleTooLarge(f"the article is {size} bytes; the limit is {max_bytes}",
                              errors={field: [f"at most {max_bytes} bytes"]})
    return field, body


def submit_article(store: Store, data: dict, *, max_bytes: int, submitted_by: str,
                   idempotency_key: str | None = None) -> tuple[bool, dict]:
    """Store an article for extraction. Returns (created, article); the same content again
    returns the article already stored, whatever its status."""
    _field, body = _article_body(data, max_bytes=max_bytes)
    published = data.get("published_at")
    stamp = now_iso()
    fields = {
        "text": data.get("text"),
        "html": data.get("html"),
        "title": data.get("title"),
        "url": data.get("url"),
        "source": data.get("source"),
        "published_at": published.isoformat() if published else None,
        "language": data.get("language"),
        "status": ArticleStatus.QUEUED.value,
        "claim_count": 0,
        "submitted_by": submitted_by,
        "created_at": stamp,
        "updated_at": stamp,
        "timings": {"queued_at": stamp},
    }
    article_id = "art_" + secrets.token_hex(10)
    return store.create_article(article_id, fields, content_hash=content_hash(body),
                                idempotency_key=idempotency_key and f"{submitted_by}:{idempotency_key}")


def correct_article(store: Store, article_id: str, data: dict, *, max_bytes: int,
                    corrected_by: str) -> dict:
    """Replace the article's text with a correction and queue it for re-extraction: claims
    whose text is unchanged keep their ids, states and verdicts; the others are retracted."""
    field, body = _article_body(data, max_bytes=max_bytes)
    stamp = now_iso()
    fields = {field: body, "status": ArticleStatus.QUEUED.value, "corrected_by": corrected_by,
              "corrected_at": stamp, "timings": {"queued_at": stamp}}
    for name in ("title", "url", "source", "language"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if data.get("published_at"):
        fields["published_at"] = data["published_at"].isoformat()
    return store.correct_article(article_id, fields, content_hash=content_hash(body))


def parse_published_at(value: str | None) -> dt.date | dt.datetime | None:
    if not value:
        return None
    return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)


def process_article(store: Store, article_id: str, *, spacy_model: str | None = None,
                    suggest_at: float = 0.75, confirm_at: float = 0.92) -> dict:
    """Run extraction on a stored article and store its claims (idempotent: claim ids are
    deterministic, so a second run leaves one set of claims)."""
    # Imported here so web processes never load spaCy.
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
        store.link_matches(claim["id"], [{"claim_id": m.claim_id, "score": m.score, "tier": m.tier.value}
                                         for m in matches[:20]])
