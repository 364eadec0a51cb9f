"""The index at scale (issue 14, "Speed and scale"): candidates from the IVF index over the
embeddings and from the postings of the query's rarest words, rescored with the formula every
text is scored with; texts added and removed in place."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from service.embeddings import embed
from service.retrieval import TextIndex

PLACES = ["Tallinn", "Bergen", "Tartu", "Oulu", "Gdansk", "Riga", "Kaunas", "Turku", "Malmo", "Aarhus"]
SUBJECTS = ["the city council", "the harbour authority", "the regional hospital", "the university",
            "the national railway", "the water utility"]
DEEDS = ["spent {n} million euros on new buses", "cut {n} jobs in its cleaning department",
         "banned diesel cars from the centre for {n} days", "raised parking fees by {n} percent",
         "planted {n} thousand trees along the river", "closed {n} schools over mould"]


def corpus() -> list[str]:
    return [f"In {2015 + n % 9}, {subject} of {place} {deed.format(n=10 + n)}."
            for n, (place, subject, deed) in enumerate(itertools.product(PLACES, SUBJECTS, DEEDS))]


@pytest.fixture(scope="module")
def texts_and_vectors():
    texts = corpus()
    return texts, embed(texts)


# IVF from 100 vectors (the service: from 10,000), so that 360 sentences go through it.
def approximate(texts, vectors) -> TextIndex:
    return TextIndex(texts, vectors, ann_from=100)


QUERIES = ["Oulu's university planted thousands of trees by the river.",
           "The harbour authority in Gdansk laid off cleaners.",
           "Diesel cars were banned from central Riga by its council.",
           "Parking got 14 percent more expensive in Turku hospital."]


def test_the_candidates_give_what_scoring_every_text_gives(texts_and_vectors):
    texts, vectors = texts_and_vectors
    index = approximate(texts, vectors)
    for query, vector in zip(QUERIES, embed(QUERIES)):
        found = index.search(query, limit=5, vector=vector, exhaustive=False)
        assert found == index.search(query, limit=5, vector=vector, exhaustive=True)
        assert len(found) == 5


def test_a_rare_word_finds_its_text_without_an_embedding(texts_and_vectors):
    texts, vectors = texts_and_vectors
    index = approximate([*texts, "Aurochs were seen grazing near Narva in 2023."],
                        np.vstack([vectors, embed(["Aurochs were seen grazing near Narva in 2023."])]))
    (hit,) = index.search("aurochs near Narva", limit=1, exhaustive=False)
    assert hit.position == len(texts) and hit.shared_terms[:2] == ("aurochs", "narva")


def test_an_added_text_is_found_and_a_removed_one_never(texts_and_vectors):
    texts, vectors = texts_and_vectors
    index = approximate(texts, vectors)
    added = ["Pärnu's ferry operator doubled ticket prices to Kihnu island in 2024."]
    (position,) = index.add(added, embed(added))
    assert position == len(texts) and index.size == len(texts) + 1
    query = "Ferry tickets from Pärnu to Kihnu cost twice as much."
    vector = embed([query])[0]
    for exhaustive in (False, True):
        assert index.search(query, limit=1, vector=vector, exhaustive=exhaustive)[0].position == position

    index.remove([position, 0])
    assert index.size == len(texts) - 1
    for exhaustive in (False, True):
        found = {hit.position for hit in index.search(query, limit=50, vector=vector, exhaustive=exhaustive)}
        found |= {hit.position for hit in index.search(texts[0], limit=50, vector=vectors[0], exhaustive=exhaustive)}
        assert found and not found & {position, 0}


def test_an_index_refits_once_its_corpus_has_doubled(texts_and_vectors):
    texts, vectors = texts_and_vectors
    index = approximate(texts[:100], vectors[:100])
    index.add(texts[100:199], vectors[100:199])
    assert not index.refit_due
    index.add(texts[199:200], vectors[199:200])
    assert index.refit_due
    # Until then, texts with words the idf never saw are found by their embeddings and known words.
    assert index.search(texts[150], limit=1, vector=vectors[150], exhaustive=False)[0].position == 150


def test_an_empty_index_takes_its_first_texts():
    index = TextIndex([], np.zeros((0, 512), dtype=np.float32))
    assert index.search("anything") == []
    texts = ["Vilnius opened a new tram line."]
    index.add(texts, embed(texts))
    assert index.size == 1 and index.refit_due
    assert index.search("a tram line in Vilnius", vector=embed(["a tram line in Vilnius"])[0])[0].position == 0
