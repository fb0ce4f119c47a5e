"""Case- and dotless-i-insensitive text search for Azerbaijani content (docs/DECISIONS.md, decision 12).

Folding maps the Azerbaijani capitals to their small letters explicitly, so it does not depend on the database's
ctype, and folds İ, I and ı all to i: a person typing "Ali" finds "Əli"'s neighbour "Alı" too, which is what
people expect on keyboards without ı.
"""

from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Lower

_CAPITALS = "ƏÖÜĞÇŞİIı"
_SMALL = "əöüğçşiii"
_PYTHON_FOLD = str.maketrans(_CAPITALS, _SMALL)


def fold_text(text: str) -> str:
    return text.translate(_PYTHON_FOLD).lower()


class Folded(Func):
    """SQL twin of fold_text: lower(translate(expr, capitals, small))."""

    def __init__(self, expression: object) -> None:
        super().__init__(
            Lower(Func(expression, Value(_CAPITALS), Value(_SMALL), function="translate", output_field=TextField())),
            output_field=TextField(),
        )
        self.function = ""

    template = "%(expressions)s"


def filter_by_search(queryset: QuerySet, fields: list[str], term: str) -> QuerySet:
    """Rows where every word of `term` appears in at least one of `fields`, ignoring case."""
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
_PYTHON_SORT = str.maketrans(_SORT_FROM, _SORT_TO)


def az_sort_key(text: str) -> str:
    return text.translate(_PYTHON_SORT)


class AzSortKey(Func):
    """SQL twin of az_sort_key: `order_by(AzSortKey("full_name"), "id")` sorts names in Azerbaijani order."""

    function = "translate"

    def __init__(self, expression: object) -> None:
        super().__init__(expression, Value(_SORT_FROM), Value(_SORT_TO))
