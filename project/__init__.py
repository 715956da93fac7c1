"""The Django project: settings, URLs, the API instance and the server entry points."""

__version__ = "1.0.1"
