"""The public library on the portal: public resources only, for everyone (no sign-in)."""

from django.http import Http404
from django.shortcuts import render

from shuniu.core.decorators import public
from shuniu.library.forms import BrowseForm
from shuniu.library.models import Resource
from shuniu.library.views import browse, file_response, page_image_response, preview_pages


@public
def index(request):
    form = BrowseForm(request.GET or {"sort": "newest"}, public=True)
    context = browse(request, Resource.objects.public(), form, user=None, public=True)
    return render(request, "library/public_index.html", context)


@public
def detail(request, pk):
    resource = _public_or_404(pk)
    pages, hidden_pages = preview_pages(resource, None, public=True)
    return render(
        request,
        "library/public_detail.html",
        {"resource": resource, "version": resource.current_version, "pages": pages, "hidden_pages": hidden_pages},
    )


def _public_or_404(pk):
    """Whoever asks (signed in or not), only public resources that are not hidden."""
    resource = Resource.objects.public().select_related("organization", "current_version").filter(pk=pk).first()
    if resource is None:
        raise Http404
    return resource


@public
def download(request, pk):
    return file_response(None, _public_or_404(pk))


@public
def page_image(request, pk, number):
    return page_image_response(_public_or_404(pk), number, None, public=True)
