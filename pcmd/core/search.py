from django.db.models import Q, QuerySet

from .models import fold


def search(queryset: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    """Rows whose folded text has a word starting with each word of the query.

    "cong an" finds "Công an phường…" but not "…hành chính công"; "bach dang" finds "Bạch Đằng".
    """
    for word in fold(query).split():
        queryset = queryset.filter(Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"}))
    return queryset
