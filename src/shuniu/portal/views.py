from django.shortcuts import render

from shuniu.core.decorators import public


@public
def home(request):
    return render(request, "portal/home.html", {})
