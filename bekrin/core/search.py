"""Text search for Azerbaijani content, typed with or without Azerbaijani letters (docs/DECISIONS.md, decision 12).

People type names on phones and keyboards without ə, ş, ç, ğ, ö, ü or ı, so search folds both the text and what
is typed to plain Latin letters of one case: ə→e, ö→o, ü→u, ğ→g, ç→c, ş→s, and İ, I and ı all to i. `eli`,
`Eli`, `əli` and `ƏLİ` all find `Əli`; `sahin` finds `Şahin`. The letters are mapped explicitly, so nothing
depends on the database's ctype. A person typing "Ali" also finds "Alı", which is what people expect.

The SQL twin, Folded, is `lower(translate(text, …))`, computed per row at query time. A table searched often
keeps it instead (FoldedTextTable: the people's name, email and phone in accounts_user_search_text), with the
text's trigrams in a GIN index that every PostgreSQL has, so a search reads the few rows holding every trigram of a
word and needs no pg_trgm.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Cast, Coalesce, Lower

_FOLD_FROM = "ƏəÖöÜüĞğÇçŞşİIı"
_FOLD_TO = "eeoouuggccssiii"
_PYTHON_FOLD = str.maketrans(_FOLD_FROM, _FOLD_TO)


def fold_text(text: str) -> str:
    return text.translate(_PYTHON_FOLD).lower()


class Folded(Lower):
    """SQL twin of fold_text: lower(translate(expr, 'ƏəÖö…', 'eeoo…')). An index on it must be built from this
    class too (the planner matches the expression exactly)."""

    def __init__(self, expression: object) -> None:
        super().__init__(
            Func(expression, Value(_FOLD_FROM), Value(_FOLD_TO), function="translate", output_field=TextField())
        )


class SearchText(Func):
    """Text fields joined by spaces, an empty field for NULL: several fields searched as one text, so that one
    index answers the search (a word has no space, so it is still found within one field)."""

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = TextField()

    def __init__(self, *fields: str) -> None:
        super().__init__(*(Coalesce(Cast(field, TextField()), Value("")) for field in fields))


GRAM = 3


def trigrams(word: str) -> list[str]:
    """The distinct runs of GRAM letters of a folded word (none for a shorter word), as the SQL function
    user_search_grams (accounts migration 0003) cuts a stored text."""
    return sorted({word[start : start + GRAM] for start in range(len(word) - GRAM + 1)})


class FoldedTextTable:
    """A table that keeps, for each row of the searched model, its search text folded (`folded`) and the trigrams
    of that text's words (`grams`, a text[] with a GIN index), kept by a trigger. A word is found in a row whose
    grams hold every trigram of the word (the index narrows to those) and whose folded text holds the word (the
    exact substring test, as Folded's). `row` names the table's key to the searched model; `copies` the columns
    (never NULL) that the table copies from its row: each is compared to the row's, so the planner carries a
    constant the query puts on the row (a role) into the table's scan and drops other rows before any join."""

    def __init__(self, model: Any, row: str, copies: Sequence[str] = ()) -> None:
        self.model, self.row, self.copies = model, row, tuple(copies)

    def matches(self, word: str) -> Q:
        texts = self.model.objects.filter(
            folded__contains=word, **{self.row: OuterRef("pk")}, **{column: OuterRef(column) for column in self.copies}
        )
        grams = trigrams(word)
        if grams:
            texts = texts.filter(grams__contains=grams)
        return Q(Exists(texts))


def filter_by_search(
    queryset: QuerySet, fields: Sequence[str | BaseExpression | FoldedTextTable], term: str
) -> QuerySet:
    """Rows where every word of `term` appears in at least one of `fields` (a field, a text expression, or a
    FoldedTextTable that keeps the rows' text), folded (case and Azerbaijani letters ignored, as fold_text says)."""
    for word in fold_text(term).split():
        match = Q()
        for index, field in enumerate(fields):
            if isinstance(field, FoldedTextTable):
                match |= field.matches(word)
                continue
            alias = f"_search_{index}"
            queryset = queryset.alias(**{alias: Folded(field)})
            match |= Q(**{f"{alias}__contains": word})
        queryset = queryset.filter(match)
    return queryset


# Sorting (docs/DECISIONS.md, decision 12): the database collates C.UTF-8 (by code point), which puts Ə, Ç, Ş, İ
# after Z. The sort key maps each letter of the Azerbaijani alphabet, either case, to one code point of a private
# run in alphabet order, so plain ORDER BY on the key gives a b c ç d e ə f g ğ h x ı i j k q l m n o ö p r s ş t u
# ü v (w) y z with case ignored. Digits, spaces and punctuation keep their code points, below every letter.
_AZ_ALPHABET = "abcçdeəfgğhxıijkqlmnoöprsştuüvwyz"
_AZ_UPPER = "ABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVWYZ"  # I is the capital of ı, İ that of i
_AZ_KEYS = "".join(chr(0x100 + index) for index in range(len(_AZ_ALPHABET)))
_SORT_FROM = _AZ_ALPHABET + _AZ_UPPER
_SORT_TO = _AZ_KEYS + _AZ_KEYS


class AzSortKey(Func):
    """`order_by(AzSortKey("full_name"), "id")` sorts names in Azerbaijani order."""

    function = "translate"

    def __init__(self, expression: object) -> None:
        super().__init__(expression, Value(_SORT_FROM), Value(_SORT_TO))
