-- Incoming updates are written here before Telegram is told they arrived, and marked done
-- in the same transaction as the work they caused; a crash loses none and doubles none.
-- The payload is cleared once done: it holds what a person typed.
CREATE TABLE update_journal (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0
)
