from django.contrib import admin
from django.urls import path

from project.api import api, assessments_api

# Errors raised outside a view (in a middleware) answer JSON on API paths, HTML elsewhere.
handler500 = "core.middleware.server_error"

admin.site.site_header = "Platform administration"
admin.site.site_title = "Platform admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/assessments/", assessments_api.urls),
    path("api/", api.urls),
]
