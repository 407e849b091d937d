from django.shortcuts import render


def render_page(request, template: str, context: dict, *, fragment: str | None = None, status: int = 200):
    """One view serves the full page, or only `fragment` when htmx asks for part of it."""
    if fragment and getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, fragment, context, status=status)
    return render(request, template, context, status=status)
