-- Ids are never given twice. Without AUTOINCREMENT SQLite gives a new row the highest id
-- plus one, so deleting the newest person (/delete, a withdrawn draft, retention) hands
-- their ids to the next one, who would inherit the sent-message ledger's "already sent"
-- (keys hold ids: "calendar:<application>:<session>", "offer:<offer>") and old buttons.
--
-- SQLite cannot add AUTOINCREMENT in place, so the tables are rebuilt. Migrations run in
-- one transaction with foreign keys on (PRAGMA foreign_keys cannot change inside it), and
-- dropping a parent table deletes its rows first, which would cascade into every child.
-- So every table that refers to a rebuilt table, directly or through another, is rebuilt
-- too: all are renamed aside (their references follow the renames), made again under
-- their own names, filled parents first, and the old ones dropped children first, when
-- nothing refers to them any more. A later table referring to any of these must be added
-- here if it comes before 0016 (tests/services/test_migration_ids.py checks).

ALTER TABLE volunteers RENAME TO volunteers__old;
ALTER TABLE needs RENAME TO needs__old;
ALTER TABLE applications RENAME TO applications__old;
ALTER TABLE availability RENAME TO availability__old;
ALTER TABLE conflicts RENAME TO conflicts__old;
ALTER TABLE questions RENAME TO questions__old;
ALTER TABLE question_replies RENAME TO question_replies__old;
ALTER TABLE broadcast_deliveries RENAME TO broadcast_deliveries__old;
ALTER TABLE coordinator_outbox RENAME TO coordinator_outbox__old;
ALTER TABLE anonymous_labels RENAME TO anonymous_labels__old;
ALTER TABLE outbox RENAME TO outbox__old;
ALTER TABLE session_replies RENAME TO session_replies__old;
ALTER TABLE place_offers RENAME TO place_offers__old;
ALTER TABLE attendance RENAME TO attendance__old;
ALTER TABLE feedback RENAME TO feedback__old;
ALTER TABLE need_states RENAME TO need_states__old;

CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id INTEGER NOT NULL UNIQUE,
    chat_id INTEGER NOT NULL,
    name TEXT,
    role TEXT CHECK (role IN ('service_user', 'carer', 'both')),
    contact TEXT,
    consented_at TEXT NOT NULL,
    needs_consented_at TEXT,
    needs_note TEXT,
    unreachable INTEGER NOT NULL DEFAULT 0,
    future_panels INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    reminders_paused INTEGER NOT NULL DEFAULT 0
);
INSERT INTO volunteers (id, telegram_id, chat_id, name, role, contact, consented_at,
        needs_consented_at, needs_note, unreachable, future_panels, created_at,
        reminders_paused)
    SELECT id, telegram_id, chat_id, name, role, contact, consented_at, needs_consented_at,
        needs_note, unreachable, future_panels, created_at, reminders_paused
    FROM volunteers__old;

CREATE TABLE needs (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, code)
);
INSERT INTO needs (volunteer_id, code)
    SELECT volunteer_id, code FROM needs__old;

CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'applied', 'confirmed', 'reserve', 'declined', 'withdrawn')),
    interviews INTEGER,
    payment TEXT CHECK (payment IN ('paid', 'unpaid', 'undecided')),
    days TEXT,
    conflicts_declared INTEGER NOT NULL DEFAULT 0,
    conflicts_note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    UNIQUE (panel_id, volunteer_id)
);
INSERT INTO applications (id, panel_id, volunteer_id, status, interviews, payment, days,
        conflicts_declared, conflicts_note, created_at, updated_at, submitted_at)
    SELECT id, panel_id, volunteer_id, status, interviews, payment, days, conflicts_declared,
        conflicts_note, created_at, updated_at, submitted_at FROM applications__old;

CREATE TABLE availability (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'maybe', 'no')),
    PRIMARY KEY (application_id, session_id)
);
INSERT INTO availability (application_id, session_id, answer)
    SELECT application_id, session_id, answer FROM availability__old;

CREATE TABLE conflicts (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    organisation TEXT NOT NULL,
    PRIMARY KEY (application_id, organisation)
);
INSERT INTO conflicts (application_id, organisation)
    SELECT application_id, organisation FROM conflicts__old;

CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    panel_id INTEGER REFERENCES panels(id) ON DELETE SET NULL,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    asked_at TEXT NOT NULL
);
INSERT INTO questions (id, panel_id, volunteer_id, text, asked_at)
    SELECT id, panel_id, volunteer_id, text, asked_at FROM questions__old;

CREATE TABLE question_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    coordinator_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
INSERT INTO question_replies (id, question_id, coordinator_id, text, sent_at)
    SELECT id, question_id, coordinator_id, text, sent_at FROM question_replies__old;

CREATE TABLE broadcast_deliveries (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'delivered', 'failed', 'blocked')),
    settled_at TEXT,
    UNIQUE (broadcast_id, volunteer_id)
);
INSERT INTO broadcast_deliveries (broadcast_id, volunteer_id, position, state, settled_at)
    SELECT broadcast_id, volunteer_id, position, state, settled_at FROM broadcast_deliveries__old;

CREATE TABLE coordinator_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('signup', 'withdrawn', 'needs', 'availability')),
    panel_id INTEGER REFERENCES panels(id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
INSERT INTO coordinator_outbox (id, kind, panel_id, volunteer_id, created_at, sent_at)
    SELECT id, kind, panel_id, volunteer_id, created_at, sent_at FROM coordinator_outbox__old;

CREATE TABLE anonymous_labels (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    UNIQUE (panel_id, position)
);
INSERT INTO anonymous_labels (application_id, panel_id, position)
    SELECT application_id, panel_id, position FROM anonymous_labels__old;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    chat_id INTEGER NOT NULL,
    panel_id INTEGER REFERENCES panels(id) ON DELETE CASCADE,
    volunteer_id INTEGER REFERENCES volunteers(id) ON DELETE CASCADE,
    application_id INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    reply_json TEXT NOT NULL,
    document BLOB,
    not_before TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    for_status TEXT,
    told_status TEXT
);
INSERT INTO outbox (id, key, chat_id, panel_id, volunteer_id, application_id, reply_json,
        document, not_before, urgent, created_at, for_status, told_status)
    SELECT id, key, chat_id, panel_id, volunteer_id, application_id, reply_json, document,
        not_before, urgent, created_at, for_status, told_status FROM outbox__old;

CREATE TABLE session_replies (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('coming', 'not_coming')),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (application_id, session_id)
);
INSERT INTO session_replies (application_id, session_id, version, answer, answered_at)
    SELECT application_id, session_id, version, answer, answered_at FROM session_replies__old;

CREATE TABLE place_offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'offered'
        CHECK (status IN ('offered', 'accepted', 'declined', 'lapsed')),
    created_at TEXT NOT NULL,
    answered_at TEXT,
    UNIQUE (session_id, application_id)
);
INSERT INTO place_offers (id, session_id, application_id, status, created_at, answered_at)
    SELECT id, session_id, application_id, status, created_at, answered_at FROM place_offers__old;

CREATE TABLE attendance (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    attended INTEGER NOT NULL,
    hours REAL,
    amount_pence INTEGER,
    marked_at TEXT NOT NULL,
    saved_at TEXT,
    PRIMARY KEY (application_id, session_id)
);
INSERT INTO attendance (application_id, session_id, attended, hours, amount_pence, marked_at,
        saved_at)
    SELECT application_id, session_id, attended, hours, amount_pence, marked_at, saved_at FROM attendance__old;

CREATE TABLE feedback (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    invited_at TEXT NOT NULL,
    information TEXT,
    support TEXT,
    time_given TEXT,
    say_mattered TEXT,
    again TEXT,
    comment TEXT,
    future_panels TEXT,
    updated_at TEXT
);
INSERT INTO feedback (application_id, panel_id, invited_at, information, support, time_given,
        say_mattered, again, comment, future_panels, updated_at)
    SELECT application_id, panel_id, invited_at, information, support, time_given, say_mattered,
        again, comment, future_panels, updated_at FROM feedback__old;

CREATE TABLE need_states (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    need TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    session_version INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('arranging', 'arranged', 'cannot')),
    note TEXT,
    marked_by INTEGER NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (application_id, need, session_id)
);
INSERT INTO need_states (application_id, need, session_id, session_version, state, note,
        marked_by, marked_at)
    SELECT application_id, need, session_id, session_version, state, note, marked_by, marked_at FROM need_states__old;

DROP TABLE need_states__old;
DROP TABLE feedback__old;
DROP TABLE attendance__old;
DROP TABLE place_offers__old;
DROP TABLE session_replies__old;
DROP TABLE outbox__old;
DROP TABLE anonymous_labels__old;
DROP TABLE coordinator_outbox__old;
DROP TABLE broadcast_deliveries__old;
DROP TABLE question_replies__old;
DROP TABLE questions__old;
DROP TABLE conflicts__old;
DROP TABLE availability__old;
DROP TABLE applications__old;
DROP TABLE needs__old;
DROP TABLE volunteers__old;

CREATE INDEX applications_by_volunteer ON applications (volunteer_id);
CREATE INDEX broadcast_deliveries_by_state ON broadcast_deliveries (broadcast_id, state, position);
CREATE INDEX coordinator_outbox_by_sent ON coordinator_outbox (sent_at);
CREATE INDEX applications_by_panel_status ON applications (panel_id, status);
CREATE INDEX attendance_by_session ON attendance (session_id);
CREATE INDEX session_replies_by_session ON session_replies (session_id);
CREATE INDEX feedback_by_panel ON feedback (panel_id);
CREATE INDEX outbox_by_not_before ON outbox (not_before);
CREATE INDEX outbox_by_application ON outbox (application_id);

-- Ids already given to people erased before this migration are found where they left a
-- trace (the ledger's keys, the audit log), so they are not given again either.
DELETE FROM sqlite_sequence WHERE name IN ('volunteers', 'applications', 'place_offers');
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'volunteers', coalesce(max(id), 0) FROM (
        SELECT max(id) AS id FROM volunteers
        UNION ALL SELECT max(volunteer_id) FROM audit_log
    );
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'applications', coalesce(max(id), 0) FROM (
        SELECT max(id) AS id FROM applications
        UNION ALL
        SELECT max(CAST(substr(key, instr(key, ':') + 1) AS INTEGER)) FROM sent_ledger
        WHERE substr(key, 1, instr(key, ':') - 1) IN (
            'reminder', 'calendar', 'thanks', 'award', 'feedback', 'feedback_nudge',
            'attended', 'need'
        )
    );
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'place_offers', coalesce(max(id), 0) FROM (
        SELECT max(id) AS id FROM place_offers
        UNION ALL
        SELECT max(CAST(substr(key, 7) AS INTEGER)) FROM sent_ledger WHERE key LIKE 'offer:%'
    );

-- Whether each coordinator can be reached: when they last wrote to the bot, and when a
-- notice to them last could not go (Telegram's "chat not found" for someone who never
-- opened the bot, or blocked). Shown by `panelbot coordinator list`.
CREATE TABLE coordinator_reach (
    telegram_id INTEGER PRIMARY KEY,
    wrote_at TEXT,
    missed_at TEXT,
    missed TEXT CHECK (missed IN ('blocked', 'not_reachable'))
);
