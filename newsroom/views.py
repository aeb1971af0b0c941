from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Django's CSRF refusal (the admin's forms), in Persian and in the site's design."""
    return render(request, "403_csrf.html", status=403)
