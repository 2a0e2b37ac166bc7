"""The domain, in parts from the top down: conversation → staff → cases → the turn API at the
root (context, callbacks, throttle) → channels → the records, ports and texts (models, messages,
ports, views, texts). Never imports telegram, aiosqlite or jieba.
"""
