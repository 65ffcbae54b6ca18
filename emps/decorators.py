"""View decorators applying the permission rules of `emps.permissions`."""

import functools

from emps.permissions import require_coordinator, require_staff


def staff_required(view):
    """Educators and coordinators only: funders get 403 (anonymous users never get here, login is required)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        require_staff(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def coordinator_required(view):
    """Coordinators only: educators and funders get 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        require_coordinator(request.user)
        return view(request, *args, **kwargs)

    return wrapper
