from tests.outreach import factories as f
from tests.permission_matrix import PUBLIC, Route

ROUTES = [
    Route("portal:help", expect=PUBLIC),
    Route("portal:help", query="need=rights", expect=PUBLIC, note="rights"),
    Route("portal:track", expect=PUBLIC),
    Route("portal:news", expect=PUBLIC),
    Route("portal:news_detail", kwargs=lambda world: {"pk": f.make_news(world).pk}, expect=PUBLIC),
    Route("portal:accessibility", expect=PUBLIC),
]
