-- Administration: private rooms and their members, archived rooms, old room addresses, deactivated people,
-- one-time password reset links, edited and deleted messages, and the audit log.

ALTER TABLE rooms ADD COLUMN private boolean NOT NULL DEFAULT false;
ALTER TABLE rooms ADD COLUMN archived_at timestamptz;

CREATE TABLE room_members (
  room_id  integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id  integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user_id ON room_members (user_id);

-- A renamed room's earlier addresses keep working: links and open pages are sent on to the new one.
CREATE TABLE room_slugs (
  slug    text PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE
);

ALTER TABLE users ADD COLUMN deactivated_at timestamptz;

-- Only the hash of a reset link's token is kept, as for sessions.
CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);

-- An edit or deletion takes the room's next seq (changed_seq), so it is ordered, delivered and replayed like a
-- new message. A deleted message keeps its row (and seq) with its text gone.
ALTER TABLE messages ADD COLUMN edited_at timestamptz;
ALTER TABLE messages ADD COLUMN deleted_at timestamptz;
ALTER TABLE messages ADD COLUMN changed_seq integer;
CREATE INDEX messages_room_changed_seq ON messages (room_id, changed_seq) WHERE changed_seq IS NOT NULL;

-- Who did what to what, and when. Names are copied: the log outlives a deleted room.
CREATE TABLE audit_log (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id    integer REFERENCES users (id) ON DELETE SET NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  target_type text NOT NULL CHECK (target_type IN ('room', 'user', 'message')),
  target_id   integer,
  target      text NOT NULL,
  detail      text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
