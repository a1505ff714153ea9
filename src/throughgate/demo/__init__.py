"""The synthetic demo estate (``throughgate demo_estate``): the top layer, which may import every app and which no
app imports. See docs/architecture.md."""
