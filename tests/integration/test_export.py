"""Exporting claims: every claim the filters select, streamed as NDJSON or CSV."""
from __future__ import annotations

import csv
import io
import json

from service import export


def test_ndjson_has_every_claim_in_the_lists_order_with_no_page_limit(client, keys, store, article_with_claims,
                                                                     monkeypatch):
    monkeypatch.setattr(export, "EXPORT_PAGE", 7)  # several pages, as a large export reads them
    texts = [(f"Harbour {n} handled {n * 100} ships in 2023.", n / 40) for n in range(1, 31)]
    _article, ids = article_with_claims(texts)
    answer = client.get("/api/v1/export/claims", headers=keys["reviewer"])
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/x-ndjson"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="claims-')
    rows = [json.loads(line) for line in answer.get_data(as_text=True).splitlines()]
    assert [row["id"] for row in rows] == ids
    listed = client.get(f"/api/v1/claims/{ids[0]}", headers=keys["reviewer"]).json
    listed.pop("history")
    assert rows[0] == listed


def test_filters_and_sort_are_the_lists(client, keys, article_with_claims):
    _article, ids = article_with_claims([("The ferry to Saaremaa sailed 4,000 times in 2023.", 0.9),
                                         ("The ferry to Hiiumaa sailed 2,000 times in 2023.", 0.3),
                                         ("Tallinn airport served 3 million people in 2023.", 0.6)])
    answer = client.get("/api/v1/export/claims?q=ferry&sort=-score&format=ndjson", headers=keys["reviewer"])
    assert [json.loads(line)["id"] for line in answer.get_data(as_text=True).splitlines()] == [ids[0], ids[1]]


def test_csv_has_a_header_and_a_row_per_claim_and_keeps_formulas_inert(client, keys, article_with_claims):
    _article, ids = article_with_claims([('=HYPERLINK("http://x.example") says 5 percent.', 0.8),
                                         ("Pärnu beach had 2,000 visitors, a record.", 0.5)])
    answer = client.get("/api/v1/export/claims?format=csv", headers=keys["reviewer"])
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert tuple(rows[0]) == export.CSV_COLUMNS
    assert [row["id"] for row in rows] == ids
    assert rows[0]["text"].startswith("'=HYPERLINK")
    assert rows[1]["text"] == "Pärnu beach had 2,000 visitors, a record." and rows[1]["status"] == "pending"


def test_an_empty_csv_export_is_its_header(client, keys):
    answer = client.get("/api/v1/export/claims?format=csv&status=verified", headers=keys["reviewer"])
    assert answer.get_data(as_text=True).strip() == ",".join(export.CSV_COLUMNS)


def test_a_bad_filter_is_a_422_before_anything_is_sent(client, keys):
    answer = client.get("/api/v1/export/claims?format=xml", headers=keys["reviewer"])
    assert answer.status_code == 422 and "format" in answer.json["errors"]
