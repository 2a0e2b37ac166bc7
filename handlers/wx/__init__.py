"""The WeChat Official Account and WeCom protocol layer (see the full doc below)."""
