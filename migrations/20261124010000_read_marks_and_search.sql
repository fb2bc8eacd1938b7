-- How far each person has read in each room (unread counts), and full-text search.

CREATE TABLE room_reads (
  user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  room_id       integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  last_read_seq integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, room_id)
);

-- People who were here before unread counts existed start with everything read.
INSERT INTO room_reads (user_id, room_id, last_read_seq)
SELECT u.id, r.id, r.last_seq FROM users u CROSS JOIN rooms r;

-- 'simple': no stemming, no stop words, so it works the same for every language.
CREATE INDEX messages_search ON messages USING gin (to_tsvector('simple', body)) WHERE deleted_at IS NULL;
