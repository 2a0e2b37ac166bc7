"""The stress suite (`make stress`): the real bot process against the fake Bot API, crashed,
faulted, abused, backed up, restored and asked to forget; one Markdown table of what was lost."""
