-- The instruments each rule reads (its inputs' instruments), kept by every change of a rule in the same statement, so
-- an instrument's grain reads only its own rules when it activates. The rules stored before this script are indexed by
-- the store when it starts (their instruments come from parsing the definition).
CREATE TABLE IF NOT EXISTS rule_instruments (
    instrument text COLLATE "C" NOT NULL,
    rule_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (instrument, rule_id)
);
CREATE INDEX IF NOT EXISTS rule_instruments_rule ON rule_instruments (rule_id);
