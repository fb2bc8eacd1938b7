-- Unread counts (store/reads.repo.ts) read this index alone: the messages after a read mark, not deleted, with
-- their author, so counting them visits no table row (an index-only scan once vacuum has marked the pages).
CREATE INDEX messages_unread ON messages (room_id, seq) INCLUDE (author_id) WHERE deleted_at IS NULL;
