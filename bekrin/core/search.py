"""Text search for Azerbaijani content, typed with or without Azerbaijani letters (docs/DECISIONS.md, decision 12).

People type names on phones and keyboards without ə, ş, ç, ğ, ö, ü or ı, so search folds both the text and what
is typed to plain Latin letters of one case: ə→e, ö→o, ü→u, ğ→g, ç→c, ş→s, and İ, I and ı all to i. `eli`,
`Eli`, `əli` and `ƏLİ` all find `Əli`; `sahin` finds `Şahin`. The letters are mapped explicitly, so nothing
depends on the database's ctype. A person typing "Ali" also finds "Alı", which is what people expect.

The SQL twin, Folded, is `lower(translate(text, …))`: both functions are IMMUTABLE, so the expression can be indexed
(a pg_trgm GIN index, as on the users' name, email and phone: bekrin.accounts.models.SEARCH_TEXT) and a search that
compares the same expression with LIKE uses it.
"""

from collections.abc import Sequence

from django.db.models import Func, Q, QuerySet, TextField, Value
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


def filter_by_search(queryset: QuerySet, fields: Sequence[str | BaseExpression], term: str) -> QuerySet:
    """Rows where every word of `term` appears in at least one of `fields`, folded (case and Azerbaijani letters
    ignored, as fold_text says)."""
    for word in fold_text(term).split():
        match = Q()
        for index, field in enumerate(fields):
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
