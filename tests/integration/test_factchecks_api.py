"""Fact-checks through the API: ClaimReview JSON-LD in, listed, read, deleted, and looked up."""
from __future__ import annotations

import pytest

from tests.helpers import lease, transition


def review(url: str, claim: str, **extra) -> dict:
    return {"@context": "https://schema.org", "@type": "ClaimReview", "url": url, "claimReviewed": claim,
            "author": {"@type": "Organization", "name": "Faktabaari", "url": "https://faktabaari.example"},
            "datePublished": "2024-03-02", "inLanguage": "en",
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Mari Virta"}},
            "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                             "alternateName": "False"}, **extra}


def test_one_claimreview_is_stored_and_served_as_published(client, keys):
    answer = client.post("/api/v1/factchecks", json=review(
        "https://faktabaari.example/checks/ferry-tickets", "Ferry tickets to Tallinn doubled in price in 2023."),
        headers=keys["ingest"])
    assert answer.status_code == 201, answer.json
    (result,) = answer.json["results"]
    assert result["outcome"] == "created"
    stored = client.get(f"/api/v1/factchecks/{result['id']}", headers=keys["reviewer"]).json
    assert stored["claim_reviewed"] == "Ferry tickets to Tallinn doubled in price in 2023."
    assert stored["publisher"] == "Faktabaari"
    assert stored["speaker"] == "Mari Virta"
    assert stored["date_published"] == "2024-03-02"
    assert stored["rating"] == {"value": 1.0, "best": 5.0, "worst": 1.0, "alternate_name": "False"}
    assert stored["rating_mapped"] == "false"


def test_the_same_url_again_keeps_its_id_and_takes_the_new_fields(client, keys):
    url = "https://faktabaari.example/checks/bridge"
    first = client.post("/api/v1/factchecks", json=review(url, "The Narva bridge closed in May 2024."),
                        headers=keys["ingest"]).json["results"][0]
    again = client.post("/api/v1/factchecks", json=review(url, "The Narva bridge closed in May 2024."),
                        headers=keys["ingest"])
    assert again.status_code == 200 and again.json["results"][0] == {**first, "code": 200, "outcome": "unchanged"}
    corrected = client.post("/api/v1/factchecks", json=review(url + "/", "The Narva bridge closed in June 2024."),
                            headers=keys["ingest"]).json["results"][0]
    assert corrected["id"] == first["id"] and corrected["outcome"] == "updated"
    listed = client.get("/api/v1/factchecks", headers=keys["reviewer"]).json["factchecks"]
    assert [item["claim_reviewed"] for item in listed] == ["The Narva bridge closed in June 2024."]


def test_a_graph_stores_its_claimreviews_and_names_each_bad_one(client, keys):
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "Faktabaari"},
        review("https://faktabaari.example/a", "Tartu has 100,000 residents."),
        review("https://faktabaari.example/b", ""),
        review("https://faktabaari.example/c", "Riga airport closed for a week.",
               reviewRating={"ratingValue": 9, "bestRating": 5, "worstRating": 1}),
    ]}
    answer = client.post("/api/v1/factchecks", json=graph, headers=keys["ingest"],
                         content_type="application/ld+json")
    assert answer.status_code == 200
    codes = [(result["index"], result["code"]) for result in answer.json["results"]]
    assert codes == [(0, 201), (1, 422), (2, 422)]
    assert answer.json["results"][1]["error"]["errors"] == {"claimReviewed": ["is required"]}
    assert "reviewRating.ratingValue" in answer.json["results"][2]["error"]["errors"]
    assert len(client.get("/api/v1/factchecks", headers=keys["reviewer"]).json["factchecks"]) == 1


@pytest.mark.parametrize("body, field", [
    ({"@type": "ClaimReview", "claimReviewed": "Text."}, "url"),
    ({"@type": "ClaimReview", "url": "ftp://x.example/a", "claimReviewed": "Text."}, "url"),
    ({"@type": "ClaimReview", "url": "https://x.example/a", "claimReviewed": "Text.", "datePublished": "March"},
     "datePublished"),
    ({"@type": "Article", "url": "https://x.example/a", "claimReviewed": "Text."}, "@type"),
    ({"@type": "ClaimReview", "url": "https://x.example/a", "claimReviewed": "Text.",
      "reviewRating": {"ratingValue": "high"}}, "reviewRating.ratingValue"),
])
def test_one_bad_claimreview_is_a_422_naming_the_field_and_stores_nothing(client, keys, body, field):
    answer = client.post("/api/v1/factchecks", json=body, headers=keys["ingest"])
    assert answer.status_code == 422
    assert field in answer.json["errors"]
    assert client.get("/api/v1/factchecks", headers=keys["reviewer"]).json["factchecks"] == []


def test_a_body_that_is_not_json_is_refused(client, keys):
    answer = client.post("/api/v1/factchecks", data="<html>", headers={**keys["ingest"], "Content-Type": "text/html"})
    assert answer.status_code == 415 and "Content-Type" in answer.json["errors"]


def test_only_admins_delete_and_a_deleted_factcheck_is_gone(client, keys):
    stored = client.post("/api/v1/factchecks", json=review("https://faktabaari.example/d", "Pärnu banned cars."),
                         headers=keys["ingest"]).json["results"][0]
    assert client.delete(f"/api/v1/factchecks/{stored['id']}", headers=keys["reviewer"]).status_code == 403
    assert client.delete(f"/api/v1/factchecks/{stored['id']}", headers=keys["admin"]).status_code == 200
    assert client.get(f"/api/v1/factchecks/{stored['id']}", headers=keys["reviewer"]).status_code == 404
    again = client.post("/api/v1/factchecks", json=review("https://faktabaari.example/d", "Pärnu banned cars."),
                        headers=keys["ingest"]).json["results"][0]
    assert again["outcome"] == "created"


def test_lookup_finds_a_paraphrase_and_names_what_differs(client, keys):
    checks = [("https://faktabaari.example/1",
               "The government of Estonia spent 120 million euros on the Rail Baltica line in 2022."),
              ("https://faktabaari.example/2", "Finland closed all border crossings with Russia in November 2023."),
              ("https://faktabaari.example/3", "Vaccines against measles contain microchips.")]
    client.post("/api/v1/factchecks", json=[review(url, text) for url, text in checks], headers=keys["ingest"])
    found = client.post("/api/v1/factchecks/search", headers=keys["reviewer"],
                        json={"text": "Estonia spent 150 million euros on Rail Baltica in 2022"}).json["results"]
    assert found[0]["kind"] == "factcheck"
    assert found[0]["factcheck"]["url"] == "https://faktabaari.example/1"
    assert "baltica" in found[0]["matched_terms"]
    assert found[0]["differences"] == ["figures: 150 vs 120"]  # the looked-up text's first
    closed = client.post("/api/v1/factchecks/search", headers=keys["reviewer"],
                         json={"text": "Helsinki shut every crossing on the Russian border"}).json["results"]
    assert closed[0]["factcheck"]["url"] == "https://faktabaari.example/2"


def test_lookup_counts_our_own_verdicts_as_factchecks(client, keys, store, article_with_claims):
    _article, (claim_id,) = article_with_claims([("The Tallinn tram line to the airport opened in 2017.", 0.9)])
    claim = lease(client, keys["reviewer"])
    assert claim["id"] == claim_id
    assert transition(client, keys["reviewer"], claim, to="verified", rating="true",
                      explanation="Opened 1 September 2017.").status_code == 200
    found = client.post("/api/v1/factchecks/search", json={"text": "the airport tram in Tallinn opened in 2017"},
                        headers=keys["reviewer"]).json["results"]
    assert found[0]["kind"] == "claim" and found[0]["claim"]["status"] == "verified"
    assert found[0]["claim"]["rating"] == "true"


def test_lookup_needs_text(client, keys):
    answer = client.post("/api/v1/factchecks/search", json={"text": ""}, headers=keys["reviewer"])
    assert answer.status_code == 422 and "text" in answer.json["errors"]


def test_more_claimreviews_than_a_request_takes_are_refused_whole(client, keys):
    too_many = [review(f"https://faktabaari.example/n/{n}", f"Claim number {n}.") for n in range(1001)]
    answer = client.post("/api/v1/factchecks", json=too_many, headers=keys["ingest"])
    assert answer.status_code == 422 and answer.json["errors"] == {"body": ["at most 1,000 ClaimReviews"]}
    assert client.get("/api/v1/factchecks", headers=keys["reviewer"]).json["factchecks"] == []


def test_a_list_item_that_is_not_an_object_is_refused_alone(client, keys):
    answer = client.post("/api/v1/factchecks", headers=keys["ingest"],
                         json=["not a review", review("https://faktabaari.example/ok", "Narva has a castle.")])
    assert [(result["index"], result["code"]) for result in answer.json["results"]] == [(0, 422), (1, 201)]


def test_lookup_in_a_language_leaves_out_factchecks_in_others(client, keys):
    client.post("/api/v1/factchecks", headers=keys["ingest"], json=[
        review("https://faktabaari.example/fi", "Helsinki closed its tram depot in 2023.", inLanguage="fi"),
        review("https://faktabaari.example/en", "Helsinki closed its tram depot in 2023.", inLanguage="en")])
    found = client.post("/api/v1/factchecks/search", headers=keys["reviewer"],
                        json={"text": "Helsinki closed its tram depot in 2023.", "language": "en"}).json["results"]
    assert [result["factcheck"]["url"] for result in found] == ["https://faktabaari.example/en"]
