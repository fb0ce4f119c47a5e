"""Case- and dotless-i-insensitive text search for Azerbaijani content (decision 12).

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
