"""Third-person pronouns by what they can stand for, shared by decomposition and decontextualisation.

Reflexives ("the audit itself") are left out: their antecedent is always in their own clause."""

PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
PERSON_PRONOUNS = frozenset(PRONOUN_GENDER)
THING_PRONOUNS = frozenset({"it", "its"})
GROUP_PRONOUNS = frozenset({"they", "them", "their", "theirs"})
THIRD_PERSON = PERSON_PRONOUNS | THING_PRONOUNS | GROUP_PRONOUNS
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
