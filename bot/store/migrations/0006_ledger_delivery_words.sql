-- The ledger records what became of a send in bot/delivery.py's words: a chat that is not
-- reachable and a message Telegram refused are told apart ("failed" stays for older rows).
-- SQLite cannot change a CHECK in place, so the table is rebuilt.

CREATE TABLE sent_ledger_new (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    panel_id INTEGER,
    outcome TEXT NOT NULL CHECK (
        outcome IN ('sent', 'skipped', 'blocked', 'not_reachable', 'refused', 'failed')
    ),
    at TEXT NOT NULL
);
INSERT INTO sent_ledger_new (key, kind, panel_id, outcome, at)
    SELECT key, kind, panel_id, outcome, at FROM sent_ledger;
DROP TABLE sent_ledger;
ALTER TABLE sent_ledger_new RENAME TO sent_ledger;
CREATE INDEX sent_ledger_by_panel ON sent_ledger (panel_id, kind);
