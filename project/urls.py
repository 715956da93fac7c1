from django.contrib import admin
from django.urls import path

from project.api import api

admin.site.site_header = "Platform administration"
admin.site.site_title = "Platform admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
