"""One router module per app (`routers/<app>.py`); `shuniu.api.urls` mounts those whose app exists."""
