from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pcmd.api import token_views as api_token_views
from pcmd.core import views as core_views
from pcmd.geo import registry as geo_registry
from pcmd.geo import views as geo_views
from pcmd.ops import views as ops_views
from pcmd.org import registry as org_registry
from pcmd.org import views as org_views
from pcmd.support import referral_views as support_referral_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dang-nhap/", org_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-hai-lop/cai-dat/", org_views.otp_setup, name="otp_setup"),
    path("xac-thuc-hai-lop/", org_views.otp_verify, name="otp_verify"),
    path("doi-vai-tro/", org_views.membership_switch, name="membership_switch"),
    path("phan-quyen/", org_views.permission_matrix, name="permission_matrix"),
    path("nhat-ky/", org_views.audit_log, name="audit_log"),
    path("don-vi/", geo_views.unit_search, name="unit_search"),
    path("don-vi/goi-y/", geo_views.unit_pick, name="unit_pick"),
    path("co-quan/goi-y/", org_views.agency_pick, name="agency_pick"),
    path("", include("pcmd.accounts.urls")),
    path("", include(geo_registry.hamlets.urls())),
    path("", include(org_registry.agencies.urls())),
    path("", include("pcmd.plans.urls")),
    path("", include("pcmd.venues.urls")),
    path("", include("pcmd.inspections.urls")),
    path("", include("pcmd.hotspots.urls")),
    path("", include("pcmd.enforcement.urls")),
    path("", include("pcmd.tips.urls")),
    path("", include("pcmd.outreach.urls")),
    path("", include("pcmd.support.urls")),
    path("", include("pcmd.reports.urls")),
    path("", include("pcmd.public.urls")),
    path("", include("pcmd.inbox.urls")),
    # the provider's answer to a referral, by the code on the slip (no login)
    path("gioi-thieu/", support_referral_views.public_referral, name="public_referral"),
    path("gioi-thieu/<str:token>/", support_referral_views.public_referral_link, name="public_referral_link"),
    path("", include("pcmd.indicators.urls")),
    path("", include("pcmd.dashboard.urls")),
    path("", include("pcmd.ops.urls")),
    path("healthz", ops_views.healthz, name="healthz"),
    path("", include("pcmd.webhooks.urls")),
    path("api/v1/", include("pcmd.api.urls")),
    path("tai-khoan/khoa-api/", api_token_views.token_list, name="api_tokens"),
    path("tai-khoan/khoa-api/tao/", api_token_views.token_new, name="api_token_new"),
    path("quan-tri/", admin.site.urls),
]

handler403 = "pcmd.core.views.error_403"
handler404 = "pcmd.core.views.error_404"
