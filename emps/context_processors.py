from emps.offline import is_offline_shell
from emps.permissions import is_coordinator, is_funder, is_staff_member


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_is_staff": False, "nav_is_coordinator": False, "nav_is_funder": False, "offline_shell": False}
    return {
        "offline_shell": is_offline_shell(request),
        "nav_is_staff": is_staff_member(user),
        "nav_is_coordinator": is_coordinator(user),
        "nav_is_funder": is_funder(user),
    }
