"""The domain, in parts whose imports run one way, top down: the entry points adapters call
(service, roster) → conversation → staff → cases → the turn API at the root (context,
callbacks, throttle) → channels → the records, ports and texts (models, messages, ports, views,
texts). Never imports telegram, aiosqlite or jieba; tests/test_layering.py checks all of it.
"""
