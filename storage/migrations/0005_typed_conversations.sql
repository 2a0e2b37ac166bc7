-- Conversation states are typed in core (core/states.py), which reads every step of this version
-- and the shapes older versions stored. One step was renamed before: the comment a rating asks
-- for was `compose.comment` with the case only; it is `followup.comment` now, and keeps when it
-- was asked (the prompt lasts an hour, core/conversation/followups.py): the moment it was saved.
UPDATE dialogs
SET state = 'followup.comment',
    data = json_set(
        data, '$.since', strftime('%Y-%m-%dT%H:%M:%f+00:00', updated_at / 1000.0, 'unixepoch')
    )
WHERE state = 'compose.comment';
