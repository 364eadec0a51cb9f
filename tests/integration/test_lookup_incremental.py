"""The lookup's indexes kept current in place (issue 14, "Speed and scale"): a fact-check stored,
changed or deleted and a verdict given or taken back reach the live index without a rebuild,
and what is gone or changed is never returned as it was."""
from __future__ import annotations

import numpy as np

from service.embeddings import from_text
from service.factcheck_import import import_claimreviews
from service.lookup import Lookup
from service.matching import LOOKUP_SUGGEST_AT
from service.redis import connect, free_port
from service.store import Store
from tests.helpers import lease, transition


def review(url: str, claim: str) -> dict:
    return {"@type": "ClaimReview", "url": url, "claimReviewed": claim, "inLanguage": "en",
            "author": {"@type": "Organization", "name": "Faktabaari"},
            "reviewRating": {"@type": "Rating", "alternateName": "False"}}


# Enough that the changes below stay under the growth that refits the index.
OTHERS = [review(f"https://checks.example/other-{n}", claim) for n, claim in enumerate([
    "Riga's mayor moved the Christmas market to the harbour.", "Kaunas doubled its bus fleet in 2022.",
    "Vilnius opened Europe's longest zip line.", "Oulu was named the 2026 European Capital of Culture."])]


def urls(found: list[dict]) -> list[str]:
    return [result["factcheck"]["url"] for result in found if result["kind"] == "factcheck"]


def test_the_store_says_which_factchecks_changed_since_a_version(store):
    import_claimreviews(store, [review("https://checks.example/a", "Oslo banned petrol cars in 2020.")])
    _epoch, version = store.factchecks.lookup_version()
    (stored,) = import_claimreviews(store, [review("https://checks.example/b", "Bergen banned petrol cars in 2021.")])
    (changed,) = store.factchecks.changed_since(version)
    ((record, vector),) = store.factchecks.factchecks_at([changed])
    assert record["id"] == stored["id"] and vector
    _epoch, version = store.factchecks.lookup_version()
    assert store.factchecks.changed_since(version) == []
    # Stored again as it is: nothing changed, nothing for an index to take in.
    import_claimreviews(store, [review("https://checks.example/b", "Bergen banned petrol cars in 2021.")])
    assert store.factchecks.changed_since(version) == []
    store.factchecks.delete_factcheck(stored["id"])
    assert store.factchecks.changed_since(version) == [changed]
    assert store.factchecks.factchecks_at([changed]) == [None]


def test_a_factcheck_stored_before_the_english_part_is_embedded_again_once(store):
    from service.embeddings import MULTILINGUAL_DIMENSIONS, from_text, to_text
    from service.factchecks import embeddings_of, parse_claimreview

    records = [parse_claimreview(review(f"https://checks.example/old-{n}", claim)).record() for n, claim in enumerate(
        ["Pärnu's pier was rebuilt in 2019.", "Narva's castle museum closed for a year."])]
    # As an earlier version stored them: the multilingual part alone.
    store.factchecks.put_factchecks(records, [to_text(vector[:MULTILINGUAL_DIMENSIONS])
                                              for vector in embeddings_of(records)])
    assert [from_text(vector) for _record, vector in store.factchecks.all_factchecks()] == [None, None]
    found = Lookup().search(store, "The pier in Pärnu was rebuilt in 2019.")
    assert found[0]["factcheck"]["url"] == "https://checks.example/old-0"
    # Kept: the next process reads both parts rather than embedding them again.
    assert all(from_text(vector) is not None for _record, vector in store.factchecks.all_factchecks())
    # Not over a fact-check written since it was read.
    (record, _vector) = next(iter(store.factchecks.all_factchecks()))
    assert store.factchecks.put_vectors([(record["id"], "2000-01-01T00:00:00.000Z", "stale")]) == 0


def test_vectors_stored_before_the_current_format_are_embedded_again_once(store):
    import base64

    from service.factchecks import embeddings_of, parse_claimreview

    claims = ["Haapsalu's railway station reopened in 2024.", "Viljandi banned cars from its old town in 2022."]
    records = [parse_claimreview(review(f"https://checks.example/batched-{n}", claim)).record()
               for n, claim in enumerate(claims)]
    vectors = embeddings_of(records)
    # As the store kept them before the format stamp (English parts embedded in batches):
    # both parts, but not the vectors each text gives on its own.
    unstamped = [base64.b64encode((vector + 0.01).astype(np.float16).tobytes()).decode() for vector in vectors]
    store.factchecks.put_factchecks(records, unstamped)
    assert [from_text(vector) for _record, vector in store.factchecks.all_factchecks()] == [None, None]
    found = Lookup().search(store, "The railway station in Haapsalu reopened in 2024.")
    assert found[0]["factcheck"]["url"] == "https://checks.example/batched-0"
    stored = {record["url"]: from_text(vector) for record, vector in store.factchecks.all_factchecks()}
    for record, vector in zip(records, vectors, strict=True):
        np.testing.assert_allclose(stored[record["url"]], vector, atol=1e-3)


def test_factchecks_stored_changed_and_deleted_reach_the_index_in_place(store):
    import_claimreviews(store, [review("https://checks.example/ferry", "Ferry tickets to Tallinn doubled in 2023."),
                                review("https://checks.example/rail", "Rail Baltica cost Estonia 120 million euros."),
                                *OTHERS])
    lookup = Lookup()
    assert urls(lookup.search(store, "Ferry tickets to Tallinn doubled in 2023."))[0] == "https://checks.example/ferry"
    index = lookup._corpora["factcheck"].index

    import_claimreviews(store, [review("https://checks.example/tram", "Tartu's new trams run on hydrogen.")])
    assert urls(lookup.search(store, "Trams in Tartu run on hydrogen."))[0] == "https://checks.example/tram"

    # The same page with another claim: found by the new one, never by the old.
    import_claimreviews(store, [review("https://checks.example/ferry", "Helsinki banned cruise ships from its port.")])
    # Ferries and cruise ships are related enough to be listed (weakly), but only as the new claim.
    assert all(found["text"] == "Helsinki banned cruise ships from its port."
               and found["similarity"] < LOOKUP_SUGGEST_AT
               for found in lookup.search(store, "Ferry tickets to Tallinn doubled in 2023.")
               if found["kind"] == "factcheck" and found["factcheck"]["url"] == "https://checks.example/ferry")
    assert urls(lookup.search(store, "Cruise ships were banned from Helsinki's port."))[0] == (
        "https://checks.example/ferry")

    (rail,) = [record for record, _vector in store.factchecks.all_factchecks() if record["url"].endswith("/rail")]
    store.factchecks.delete_factcheck(rail["id"])
    found = urls(lookup.search(store, "Rail Baltica cost Estonia 120 million euros."))
    assert "https://checks.example/rail" not in found
    assert lookup._corpora["factcheck"].index is index  # never rebuilt
    assert index.size == len(["ferry", "tram", *OTHERS])


def test_a_verdict_given_and_taken_back_reaches_the_index_in_place(client, keys, store, article_with_claims):
    def ids(text: str) -> list[str]:
        return [found["id"] for found in lookup.search(store, text)]

    claims = [article_with_claims([(text, score)])[1][0] for text, score in [
        ("Tap water in the old town is safe to drink.", 0.9), ("The Narva bridge was closed for repairs in May.", 0.8),
        ("Pärnu beach was named the cleanest in the Baltics.", 0.7)]]
    water, bridge, beach = claims
    lookup = Lookup()
    for verdict in ({"to": "flagged", "rating": "false", "explanation": "Lead pipes remain."},
                    {"to": "verified", "rating": "true"}):
        assert transition(client, keys["reviewer"], lease(client, keys["reviewer"]), **verdict).status_code == 200
    assert ids("Is tap water in the old town safe to drink?")[0] == water
    index = lookup._corpora["claim"].index

    assert transition(client, keys["reviewer"], lease(client, keys["reviewer"]), to="verified",
                      rating="true").status_code == 200
    assert ids("The cleanest beach in the Baltics is in Pärnu.")[0] == beach

    reopened = store.get_claim(water)
    assert transition(client, keys["reviewer"], reopened, to="pending", reason="New lab results.").status_code == 200
    assert water not in ids("Is tap water in the old town safe to drink?")
    assert ids("Repairs closed the Narva bridge in May.")[0] == bridge
    assert lookup._corpora["claim"].index is index and index.size == 2  # never rebuilt

    # Each verdict claim's embedding is kept for the next process, for its text, until the verdict goes.
    texts = {claim_id: store.get_claim(claim_id)["text"] for claim_id in claims}
    kept = store.factchecks.claim_vectors(list(texts.items()))
    assert set(kept) == {(bridge, texts[bridge]), (beach, texts[beach])}
    assert store.factchecks.claim_vectors([(beach, "Pärnu beach was named the dirtiest in the Baltics.")]) == {}
    fresh = Lookup()
    assert [found["id"] for found in fresh.search(store, "Repairs closed the Narva bridge in May.")][0] == bridge
    assert np.allclose(fresh._claim_vectors[bridge, texts[bridge]], from_text(kept[bridge, texts[bridge]]))


def test_a_corpus_that_has_doubled_is_refitted_in_the_background(store):
    import_claimreviews(store, OTHERS[:2])
    lookup = Lookup()
    lookup.search(store, "warm up")
    index = lookup._corpora["factcheck"].index
    import_claimreviews(store, OTHERS[2:])
    # Taken in place, and due for a refit: the old index answers while the new one is built.
    assert urls(lookup.search(store, "Kaunas has twice as many buses since 2022."))[0] == OTHERS[1]["url"]
    assert lookup._corpora["factcheck"].index is index
    lookup._refits["factcheck"].thread.join(timeout=30)
    import_claimreviews(store, [review("https://checks.example/tram", "Tartu's new trams run on hydrogen.")])
    assert urls(lookup.search(store, "Trams in Tartu run on hydrogen."))[0] == "https://checks.example/tram"
    refitted = lookup._corpora["factcheck"].index
    assert refitted is not index and refitted.fitted_size == len(OTHERS) and refitted.size == len(OTHERS) + 1


def test_a_process_builds_its_indexes_at_start_and_its_first_lookup_uses_them(store):
    import_claimreviews(store, [review("https://checks.example/ferry", "Ferry tickets to Tallinn doubled in 2023."),
                                *OTHERS])
    lookup = Lookup()
    lookup.prepare_in_background(store).join(timeout=120)
    built = lookup._corpora["factcheck"]
    assert built.index.size == 5 and "claim" in lookup._corpora
    assert urls(lookup.search(store, "Ferry tickets to Tallinn doubled in 2023."))[0] == "https://checks.example/ferry"
    assert lookup._corpora["factcheck"] is built  # not built again


def test_a_build_at_start_that_cannot_reach_redis_leaves_it_to_the_first_lookup(store):
    lookup = Lookup()
    unreachable = Store(connect(f"redis://127.0.0.1:{free_port()}/0"))
    lookup.prepare_in_background(unreachable).join(timeout=60)  # logs, does not raise
    assert lookup._corpora == {}
    import_claimreviews(store, [review("https://checks.example/ferry", "Ferry tickets to Tallinn doubled in 2023.")])
    assert urls(lookup.search(store, "Ferry tickets to Tallinn doubled in 2023.")) == ["https://checks.example/ferry"]
