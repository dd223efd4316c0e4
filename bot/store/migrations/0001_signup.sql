-- Panels, their sessions, volunteers and their applications, and where each person is in a chat flow.
-- All times are ISO 8601 strings in UTC.

CREATE TABLE panels (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT 'recruiting'
        CHECK (stage IN ('recruiting', 'recruitment_closed', 'evaluating', 'awaiting_award',
                         'awarded', 'closed')),
    late_reserves INTEGER NOT NULL DEFAULT 0,
    closes_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    venue TEXT,
    access TEXT,
    online_link TEXT,
    optional INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    UNIQUE (panel_id, key)
);

CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY,
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
    created_at TEXT NOT NULL
);

-- Support needs as short codes (see bot/needs.py), never a diagnosis.
CREATE TABLE needs (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, code)
);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX applications_by_volunteer ON applications (volunteer_id);

CREATE TABLE availability (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'maybe', 'no')),
    PRIMARY KEY (application_id, session_id)
);

CREATE TABLE conflicts (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    organisation TEXT NOT NULL,
    PRIMARY KEY (application_id, organisation)
);

-- Where a person is in a chat flow, so a restart loses nobody's place.
CREATE TABLE journeys (
    telegram_id INTEGER PRIMARY KEY,
    flow TEXT NOT NULL,
    step TEXT NOT NULL,
    panel_id INTEGER REFERENCES panels(id) ON DELETE CASCADE,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    panel_id INTEGER REFERENCES panels(id) ON DELETE SET NULL,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    asked_at TEXT NOT NULL
);

-- Erasures are recorded without any personal detail: only that one happened, and when.
CREATE TABLE erasures (
    id INTEGER PRIMARY KEY,
    erased_at TEXT NOT NULL,
    reason TEXT NOT NULL
)
