"""Where a claim keeps coming back: the claims matched to it (its cluster), when and where each
appeared, and the claims of a status that are repeated most since a time."""
from __future__ import annotations

import datetime
from collections import Counter

from service.matching import MatchTier
from service.store import Store

# A cluster is followed through confirmed matches up to this many claims (a claim repeated
# thousands of times still answers quickly; `truncated` says so).
CLUSTER_LIMIT = 500


def cluster(store: Store, claim_id: str, *, limit: int = CLUSTER_LIMIT) -> dict:
    """The claims that repeat `claim_id`: those linked to it by confirmed matches, however many
    steps away (the same claim), and its own suggested matches (maybe the same; not followed
    further), each with when it was seen (its article's publication, else its extraction), and
    the days, articles, sources and speakers they add up to."""
    root = store.get_claim(claim_id, with_history=False)
    tiers = {claim_id: "self"}
    members = {claim_id: root}
    frontier = [root]
    truncated = False
    while frontier and not truncated:
        wanted = []
        for claim in frontier:
            for match in claim["matches"]:
                other = match["claim_id"]
                if other in tiers:
                    continue
                if match["tier"] == MatchTier.CONFIRMED.value:
                    tiers[other] = MatchTier.CONFIRMED.value
                    wanted.append(other)
                elif claim["id"] == claim_id:
                    tiers[other] = MatchTier.SUGGESTED.value
                    wanted.append(other)
        if len(members) + len(wanted) > limit:
            wanted, truncated = wanted[: max(0, limit - len(members))], True
        loaded = [claim for claim in store.load_claims(wanted) if claim is not None]
        members.update((claim["id"], claim) for claim in loaded)
        frontier = [claim for claim in loaded if tiers[claim["id"]] == MatchTier.CONFIRMED.value]
    claims = list(members.values())
    articles = {article["id"]: article for article in store.articles_by_id([c["article_id"] for c in claims])}
    seen = [_occurrence(claim, articles.get(claim["article_id"]), tiers[claim["id"]]) for claim in claims]
    seen.sort(key=lambda occurrence: (occurrence["seen_at"] or "", occurrence["id"]))
    return {"claim_id": claim_id, **_summary(seen), "claims": seen, "truncated": truncated}


def recurring(store: Store, *, status: str, since: str | None, limit: int) -> list[dict]:
    """The claims of `status` repeated most often (matched by claims seen since `since`, an ISO
    date or time; all when None), most repeats first, with who repeats them."""
    counted = []
    for claim_id, links in store.claim_matches_with_status(status):
        repeats = [link for link in links if since is None or (link.get("at") or "") >= since]
        if repeats:
            counted.append((len(repeats), claim_id, [link["claim_id"] for link in repeats]))
    counted.sort(key=lambda entry: (-entry[0], entry[1]))
    top = counted[:limit]
    # The top claims and their repeats, then their articles: two round trips in all.
    wanted = list(dict.fromkeys(i for _count, claim_id, repeat_ids in top for i in (claim_id, *repeat_ids)))
    claims = {claim["id"]: claim for claim in store.load_claims(wanted) if claim is not None}
    articles = {a["id"]: a for a in store.articles_by_id([claim["article_id"] for claim in claims.values()])}
    found = []
    for count, claim_id, repeat_ids in top:
        original = claims.get(claim_id)
        if original is None:
            continue  # deleted since it was counted
        summary = _summary([_occurrence(claims[i], articles.get(claims[i]["article_id"]), "matched")
                            for i in repeat_ids if i in claims])
        found.append({
            "claim": {key: original.get(key) for key in ("id", "text", "status", "rating", "article_id")},
            "repeats": count, "first_seen": summary["first_seen"], "last_seen": summary["last_seen"],
            "sources": summary["sources"], "speakers": summary["speakers"],
        })
    return found


def _occurrence(claim: dict, article: dict | None, tier: str) -> dict:
    article = article or {}
    return {
        "id": claim["id"], "text": claim["text"], "status": claim["status"], "rating": claim.get("rating"),
        "tier": tier, "article_id": claim["article_id"], "article_title": article.get("title"),
        "source": article.get("source"), "url": article.get("url"), "speaker": claim.get("attribution"),
        "seen_at": article.get("published_at") or claim["created_at"],
    }


def _per_day(days: Counter) -> list[dict]:
    """Every day from the first to the last, quiet ones at 0 (a chart of them reads true), when
    that is at most a year of days; else only the days with occurrences."""
    try:
        dates = sorted(datetime.date.fromisoformat(day) for day in days)
    except ValueError:
        dates = []
    if dates and (dates[-1] - dates[0]).days <= 366:
        span = (dates[0] + datetime.timedelta(days=n) for n in range((dates[-1] - dates[0]).days + 1))
        return [{"date": day.isoformat(), "count": days.get(day.isoformat(), 0)} for day in span]
    return [{"date": day, "count": count} for day, count in sorted(days.items())]


def _summary(occurrences: list[dict]) -> dict:
    days = Counter((o["seen_at"] or "")[:10] for o in occurrences if o["seen_at"])
    sources = Counter(o["source"] for o in occurrences if o["source"])
    speakers = Counter(o["speaker"] for o in occurrences if o["speaker"])
    times = sorted(o["seen_at"] for o in occurrences if o["seen_at"])
    return {
        "occurrences": len(occurrences),
        "first_seen": times[0] if times else None, "last_seen": times[-1] if times else None,
        "per_day": _per_day(days),
        "articles": len({o["article_id"] for o in occurrences}),
        "sources": [{"source": name, "count": count} for name, count in sources.most_common()],
        "speakers": [{"speaker": name, "count": count} for name, count in speakers.most_common()],
    }

