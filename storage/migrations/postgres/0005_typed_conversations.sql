-- A renamed step of ../0005_typed_conversations.sql, with the moment it was asked.
UPDATE dialogs
SET state = 'followup.comment',
    data = jsonb_set(
        data::jsonb, '{since}',
        to_jsonb(to_char(to_timestamp(updated_at / 1000.0) AT TIME ZONE 'UTC',
                         'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"'))
    )::text
WHERE state = 'compose.comment';
