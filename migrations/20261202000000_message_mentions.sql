-- Who each message mentions, recorded when it is stored or edited (DESIGN §10): the sidebar counts "mentions of
-- me in room r after seq x" as one index range, instead of running a regex over every unread body.
-- Only people other than the author: a person's own messages never count as unread for them.
-- A deleted message has none (its rows are removed with it); a renamed person keeps theirs (by id).

CREATE TABLE message_mentions (
  user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  room_id    integer NOT NULL,
  seq        bigint NOT NULL,
  message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, room_id, seq)
);
-- An edit or a deletion replaces a message's rows, and the cascade finds them, by message.
CREATE INDEX message_mentions_message ON message_mentions (message_id);

-- The names a text mentions, lower-cased, each once: src/mentions.ts mentionedNames() in SQL, for the backfill
-- below (the app computes names in TS when it stores a message). The grammar is written out literally here;
-- tests/integration/message-mentions.test.ts checks it against mentionedNames() on the whole case table.
CREATE FUNCTION mentioned_names(body text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT n), '{}') FROM (
    SELECT lower(regexp_replace(m[2], '[.-]+$', '')) AS n
    FROM regexp_matches(body, '(^|[^A-Za-z0-9_.-])@([A-Za-z0-9_.-]{1,32})', 'g') AS m
  ) names WHERE n <> ''
$$;

-- Backfill: one pass over the messages (only those with an "@" are parsed), a unique-index lookup per name.
INSERT INTO message_mentions (user_id, room_id, seq, message_id)
SELECT u.id, m.room_id, m.seq, m.id
FROM messages m
CROSS JOIN LATERAL unnest(mentioned_names(m.body)) AS n(name)
JOIN users u ON lower(u.username) = n.name
WHERE m.deleted_at IS NULL AND m.body LIKE '%@%' AND u.id <> m.author_id;
