from throughgate.sharing.links.web.urls import urlpatterns as links_urls

app_name = "sharing"
urlpatterns = [*links_urls]
