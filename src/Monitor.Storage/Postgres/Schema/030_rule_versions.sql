-- Every version of every rule (docs/api.md, Rule versions): the definition as stored then, NULL for a deletion.
-- Versions outlive their rule, so a version number names one definition for good; a rule created again after a
-- deletion continues the numbering. The rules stored before this script get their current definition as their
-- current version (changed_by NULL: not known).

CREATE TABLE IF NOT EXISTS rule_versions (
    rule_id text COLLATE "C" NOT NULL,
    version integer NOT NULL,
    changed_at timestamptz NOT NULL,
    changed_by text,
    definition text,
    PRIMARY KEY (rule_id, version)
);

INSERT INTO rule_versions (rule_id, version, changed_at, changed_by, definition)
SELECT id, version, updated_at, NULL, definition FROM rules
ON CONFLICT DO NOTHING;
