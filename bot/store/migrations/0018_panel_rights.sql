-- Rights per panel. A coordinator added without --panel (and everyone in
-- PANELBOT_COORDINATORS) owns every panel: every_panel = 1, which is what all who were added
-- before this change keep. A coordinator with every_panel = 0 sees only the panels listed in
-- coordinator_panels, as an owner (everything) or a helper (roster and messages; no health
-- data, no export).
ALTER TABLE coordinators ADD COLUMN every_panel INTEGER NOT NULL DEFAULT 1;

CREATE TABLE coordinator_panels (
    telegram_id INTEGER NOT NULL REFERENCES coordinators(telegram_id) ON DELETE CASCADE,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'helper')),
    PRIMARY KEY (telegram_id, panel_id)
);
CREATE INDEX coordinator_panels_by_panel ON coordinator_panels (panel_id);
