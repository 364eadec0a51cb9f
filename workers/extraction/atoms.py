"""An atomic proposition as tokens of its sentence, and the helpers that cut token lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Token

from .lexicon import CLAUSE_SEPARATORS, DOUBLE_QUOTES, THIRD_PERSON

# Clauses shorter than this are fragments ("and did"), not propositions.
MIN_CLAUSE_TOKENS = 3


@dataclass
class Atom:
    """One proposition: `lead` (a borrowed subject) + `link` ("was") + `tokens`, each in order."""

    tokens: list[Token]
    lead: list[Token] = field(default_factory=list)
    link: str = ""
    # A reporting frame after the proposition ("..., the Kremlin said").
    trailer: list[Token] = field(default_factory=list)
    # Words written in place of a token's own: a participle in the main verb's tense ("declined").
    words: dict[int, str] = field(default_factory=dict)
    # Who a proposition is reported by, written before it ("Reports said"); it then owns its
    # attribution and takes no reporting frame of the sentence.
    prefix: str = ""
    attribution: str | None = None
    # Who says it when that is not the sentence's speaker: "X said A, while Y said B" (Y, for B).
    speaker: Token | None = None
    # A word the atom cannot resolve from its sentence ("some" of what?).
    needs_context: bool = False


def without(atom: Atom, dropped: set[int]) -> Atom:
    """`atom` without the tokens at the indexes `dropped`."""
    tokens = without_edges([token for token in atom.tokens if token.i not in dropped])
    return replace(atom, tokens=tokens)


def without_edges(tokens: list[Token]) -> list[Token]:
    """Tokens in order without leading or trailing punctuation and conjunctions."""
    tokens = sorted(tokens, key=lambda token: token.i)
    while tokens and (tokens[0].is_punct and tokens[0].text not in ('"', "“", "'", "‘") or tokens[0].dep_ in (
            "cc", "mark") and tokens[0].lower_ in ("and", "but", "or", "while", "whereas")):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ('"', "”", "'", "’", ".", "!", "?", "%") and not (
            tokens[-1].text == ")" and sum(token.text == "(" for token in tokens) == sum(
                token.text == ")" for token in tokens)):
        # A closing parenthesis stays when it closes one the tokens opened: "(NIAID)".
        tokens = tokens[:-1]
    while tokens and tokens[-1].dep_ == "cc":
        tokens = tokens[:-1]
    # "..., died in Riga, Latvia, was a rower.": the comma before a cut clause does not end the claim.
    while len(tokens) > 1 and tokens[-1].text in (".", "!", "?") and tokens[-2].text in CLAUSE_SEPARATORS:
        del tokens[-2]
    # "Groupe LAPS (France)" without its aside leaves no "()".
    empty = {index for index in range(len(tokens) - 1) if tokens[index].text == "(" and tokens[index + 1].text == ")"}
    tokens = [token for index, token in enumerate(tokens) if index not in empty and index - 1 not in empty]
    # A quotation cut in two loses the mark that no longer closes anything.
    if sum(token.text in DOUBLE_QUOTES for token in tokens) % 2 and tokens:
        for index in (-1, -2, 0):
            if abs(index) <= len(tokens) and tokens[index].text in DOUBLE_QUOTES and (
                    index != 0 or tokens[0].text in ('"', "“")) and (index == 0 or tokens[index].text in ('"', "”")):
                del tokens[index]
                break
    return tokens


def within(token: Token, head: Token) -> bool:
    """`token` is `head` or one of its descendants."""
    return head.left_edge.i <= token.i <= head.right_edge.i and (token == head or head in token.ancestors)


def size(token: Token) -> int:
    """Words in `token`'s subtree, punctuation left out."""
    return sum(1 for item in token.subtree if not item.is_punct)


def has_pronoun(tokens: Iterable[Token]) -> bool:
    """A third-person pronoun, which may need the words a split would take away."""
    return any(token.pos_ == "PRON" and token.lower_ in THIRD_PERSON and token.dep_ != "expl" for token in tokens)
