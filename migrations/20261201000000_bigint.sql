-- Counters that grow with every message become bigint: at a few hundred messages a second, a 32-bit message id
-- or room seq runs out within a year or two. Read back as JS numbers (exact up to 2^53; see store/int8.ts).
-- Changing a column's type rewrites its table once (it holds an exclusive lock meanwhile): run it at a quiet hour.

ALTER TABLE rooms ALTER COLUMN last_seq TYPE bigint;

-- An identity column's sequence follows its column's type, so new ids can pass 2^31 too.
ALTER TABLE messages
  ALTER COLUMN id TYPE bigint,
  ALTER COLUMN seq TYPE bigint,
  ALTER COLUMN changed_seq TYPE bigint;

ALTER TABLE room_reads ALTER COLUMN last_read_seq TYPE bigint;

-- The audit log gets a row per administrative act and names messages by id.
ALTER TABLE audit_log
  ALTER COLUMN id TYPE bigint,
  ALTER COLUMN target_id TYPE bigint;
