-- The name of the API key that acknowledged an alert, beside the free-text acknowledged_by.
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS ack_key text;
