from django.urls import path

from shuniu.core.views import accounts, auth, workspace

app_name = "core"

urlpatterns = [
    path("accounts/login/", auth.sign_in, name="login"),
    path("accounts/logout/", auth.sign_out, name="logout"),
    path("accounts/two-factor/setup/", auth.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", auth.two_factor_verify, name="two_factor_verify"),
    path("home/", workspace.home, name="home"),
    path("inbox/", workspace.inbox, name="inbox"),
    path("inbox/read/", workspace.inbox_mark_read, name="inbox_mark_read"),
    path("audit/", workspace.audit_log, name="audit_log"),
    path("calendar/", workspace.calendar_overrides, name="calendar"),
    path("reveal/<str:model>/<int:pk>/<str:field>/", workspace.reveal_field, name="reveal"),
    path("accounts/users/", accounts.user_list, name="users"),
    path("accounts/users/new/", accounts.user_create, name="user_create"),
    path("accounts/users/<int:pk>/", accounts.user_detail, name="user_detail"),
    path(
        "accounts/users/<int:pk>/memberships/<int:membership_pk>/end/", accounts.membership_end, name="membership_end"
    ),
    path("accounts/users/<int:pk>/<str:action>/", accounts.user_action, name="user_action"),
    path("healthz", workspace.health, name="health"),
]
