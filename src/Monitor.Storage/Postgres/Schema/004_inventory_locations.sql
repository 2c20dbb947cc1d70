-- Inventory values may name a location (a depository, a warehouse location, a vault). location is kept as the
-- publisher wrote it (NULL: the series' total); location_key is its upper-case form ('' for the total), which the key
-- uses so locations match without regard to case. Values stored before are totals.
ALTER TABLE inventory ADD COLUMN IF NOT EXISTS location text;
ALTER TABLE inventory ADD COLUMN IF NOT EXISTS location_key text NOT NULL DEFAULT '';
ALTER TABLE inventory DROP CONSTRAINT IF EXISTS inventory_instrument_id_series_as_of_version_key;
ALTER TABLE inventory ADD CONSTRAINT inventory_key UNIQUE (instrument_id, series, location_key, as_of, version);
