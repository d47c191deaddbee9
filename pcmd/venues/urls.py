"""URLs of the venues app (mounted at the site root by pcmd.urls)."""

from .registry import establishments

urlpatterns = [*establishments.urls()]
