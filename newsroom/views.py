from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import static as static_views
from django.views.decorators.http import require_safe


def csrf_failure(request, reason=""):
    """Django's CSRF refusal (the admin's forms), in Persian and in the site's design."""
    return render(request, "403_csrf.html", status=403)


def favicon(request):
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


@require_safe
def media(request, path: str):
    """Uploaded photos, renditions and cards when no nginx is in front (`make run`); every
    file has a random or content-hashed name, so it can be cached for good."""
    response = static_views.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
