"""URLs of account management (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import views
from .actions import APPROVE, CREATE, REJECT
from .models import AccountProposal

urlpatterns = [
    path("tai-khoan/", views.account_list, name="account_list"),
    path("tai-khoan/them/", views.account_create, name="account_create"),
    path("tai-khoan/<int:pk>/", views.account_detail, name="account_detail"),
    path("tai-khoan/<int:pk>/them-quyen/", views.account_seat_add, name="account_seat_add"),
    path("tai-khoan/<int:pk>/quyen/<int:seat>/thu-hoi/", views.account_seat_remove, name="account_seat_remove"),
    path("tai-khoan/<int:pk>/vo-hieu-hoa/", views.account_deactivate, name="account_deactivate"),
    path("tai-khoan/<int:pk>/mo-lai/", views.account_reactivate, name="account_reactivate"),
    path("tai-khoan/<int:pk>/dat-lai-mat-khau/", views.account_password_reset, name="account_password_reset"),
    path("tai-khoan/<int:pk>/dat-lai-xac-thuc/", views.account_otp_reset, name="account_otp_reset"),
    path("tai-khoan/<int:pk>/gui-loi-moi/", views.account_invite, name="account_invite"),
    path("tai-khoan/de-xuat/", views.proposal_list, name="account_proposal_list"),
    path("tai-khoan/de-xuat/them/", actions.view(AccountProposal, slug=CREATE.slug), name="account_proposal_create"),
    path("tai-khoan/de-xuat/<int:pk>/phe-duyet/", actions.view(AccountProposal, slug=APPROVE.slug),
         name="account_proposal_approve"),
    path("tai-khoan/de-xuat/<int:pk>/tu-choi/", actions.view(AccountProposal, slug=REJECT.slug),
         name="account_proposal_reject"),
    # no login: the invitation link, "quên mật khẩu"
    path("kich-hoat/<uidb64>/<token>/", views.InvitationView.as_view(), name="account_invitation"),
    path("quen-mat-khau/", views.ResetRequestView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.ResetDoneView.as_view(), name="password_reset_done"),
    path("quen-mat-khau/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    *views.IMPORT_URLS,
]
