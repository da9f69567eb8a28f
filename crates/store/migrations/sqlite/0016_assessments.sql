-- The assessment read model: every deal in the scan (open, and nurtured ones whose date to
-- look again has come) with its assessment at one moment, so pages read assessments rather
-- than make them. Written only by the app's refresh and by the re-assessment of stale deals.

-- One row (id 1): the moment the model was assessed at, and the counters that say what changed
-- since. `changes` grows with every write that marks deals stale, `generation` with every
-- change that outdates the whole model (the policy, the stages, an import), `stage_moves` with
-- every change to a stage history (the team's stage durations may have moved).
CREATE TABLE assessment_model (
    id BIGINT PRIMARY KEY,
    assessed_at BIGINT,
    refreshed_generation BIGINT NOT NULL DEFAULT -1,
    stage_norms TEXT,
    norms_checked BIGINT NOT NULL DEFAULT 0,
    changes BIGINT NOT NULL DEFAULT 0,
    generation BIGINT NOT NULL DEFAULT 0,
    stage_moves BIGINT NOT NULL DEFAULT 0
);
INSERT INTO assessment_model (id) VALUES (1);

-- Slim rows: the board filters, sorts and totals over these; the display JSON lives apart
-- (deal_assessment_bodies), so scans and lookups read small pages.
CREATE TABLE deal_assessments (
    deal_id INTEGER PRIMARY KEY,
    assessed_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    -- Ascending is worst first: the state, then the risk (set by the app).
    worst BIGINT NOT NULL,
    risk BIGINT NOT NULL,
    top_signal TEXT,
    next_play TEXT,
    next_due BIGINT NOT NULL,
    -- The UTC day of next_due (days since 1970-01-01).
    due_day BIGINT NOT NULL,
    days_in_stage BIGINT NOT NULL,
    rotting BIGINT NOT NULL,
    desperation BIGINT NOT NULL,
    owner TEXT NOT NULL,
    stage TEXT NOT NULL,
    status TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    account TEXT NOT NULL,
    title TEXT NOT NULL,
    title_lower TEXT NOT NULL,
    expected_close TEXT,
    resurface_on TEXT,
    -- A hash of everything the row and its JSON hold but the moment: a refresh rewrites only
    -- the rows whose digest changed.
    digest BIGINT NOT NULL
);
-- The board's pages, worst first: all deals (with the title, searched in this order), one
-- owner's, one stage's (a state is a range of `worst`).
CREATE INDEX deal_assessments_worst ON deal_assessments (worst, deal_id, title_lower);
CREATE INDEX deal_assessments_owner ON deal_assessments (owner, worst, deal_id);
CREATE INDEX deal_assessments_stage ON deal_assessments (stage, worst, deal_id);
-- The board's column totals, each read from an index alone: all deals, one stage's or those
-- whose title matches; one owner's; one state's.
CREATE INDEX deal_assessments_columns ON deal_assessments (stage, currency, amount_cents, rotting, title_lower);
CREATE INDEX deal_assessments_owner_columns ON deal_assessments (owner, stage, currency, amount_cents, rotting);
CREATE INDEX deal_assessments_state_columns ON deal_assessments (state, stage, currency, amount_cents, rotting);
-- Today: the plays due, most urgent first, and the next one planned.
CREATE INDEX deal_assessments_due ON deal_assessments (due_day, worst, deal_id) WHERE next_play IS NOT NULL;
CREATE INDEX deal_assessments_next ON deal_assessments (next_due, worst, deal_id) WHERE next_play IS NOT NULL;

-- The whole row as JSON, for display.
CREATE TABLE deal_assessment_bodies (
    deal_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);

-- Every signal kind of every assessed deal, with what the board sorts and totals a signal's
-- deals by.
CREATE TABLE deal_assessment_signals (
    kind TEXT NOT NULL,
    deal_id BIGINT NOT NULL,
    worst BIGINT NOT NULL,
    stage TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    rotting BIGINT NOT NULL,
    PRIMARY KEY (kind, deal_id)
);
CREATE INDEX deal_assessment_signals_worst ON deal_assessment_signals (kind, worst, deal_id);
CREATE INDEX deal_assessment_signals_columns ON deal_assessment_signals (kind, stage, currency, amount_cents, rotting);
CREATE INDEX deal_assessment_signals_deal ON deal_assessment_signals (deal_id);

-- Deals whose record changed after their assessment, with the `changes` count of the write.
CREATE TABLE assessments_stale (
    deal_id BIGINT PRIMARY KEY,
    change BIGINT NOT NULL
);
CREATE INDEX assessments_stale_change ON assessments_stale (change);

-- When a re-assessment found a deal in another state than its previous assessment: the
-- manager's week (deals that went dark, came back).
CREATE TABLE assessment_transitions (
    id INTEGER PRIMARY KEY,
    deal_id BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX assessment_transitions_at ON assessment_transitions (at, to_state);

-- The manager's week: losses recorded.
CREATE INDEX deals_lost_at ON deals (lost_at);
