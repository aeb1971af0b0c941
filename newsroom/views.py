from django.shortcuts import redirect, render
from django.templatetags.static import static


def csrf_failure(request, reason=""):
    """Django's CSRF refusal (the admin's forms), in Persian and in the site's design."""
    return render(request, "403_csrf.html", status=403)


def favicon(request):
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)
