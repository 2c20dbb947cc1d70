-- The instrument registry: instruments added or changed at run time and derived series, each definition as a JSON
-- object of its fields (the expression included). The service's registry grain keeps it (and moves what Orleans grain
-- storage held there when it first activates); `monitor backtest` reads it for its catalog. One row per instrument.
CREATE TABLE IF NOT EXISTS instrument_definitions (
    id text COLLATE "C" PRIMARY KEY,
    definition text NOT NULL
);
