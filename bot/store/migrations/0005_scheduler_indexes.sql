-- Indexes for the scheduler's tick, which reads only what can be due: confirmed people of a
-- panel, and the replies, attendance, feedback and queued notices of a set of panels.

CREATE INDEX IF NOT EXISTS applications_by_panel_status ON applications (panel_id, status);
CREATE INDEX IF NOT EXISTS attendance_by_session ON attendance (session_id);
CREATE INDEX IF NOT EXISTS session_replies_by_session ON session_replies (session_id);
CREATE INDEX IF NOT EXISTS feedback_by_panel ON feedback (panel_id);
CREATE INDEX IF NOT EXISTS outbox_by_not_before ON outbox (not_before)
