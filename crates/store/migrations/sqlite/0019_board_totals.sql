-- Column totals of the assessment read model by owner, stage, state and currency, kept by
-- triggers in the same statement as every write to `deal_assessments`: the board's column
-- counts and money totals for an owner, stage or state filter are read from a few rows here
-- instead of summed over every filtered deal.
CREATE TABLE deal_assessment_totals (
    owner TEXT NOT NULL,
    stage TEXT NOT NULL,
    state TEXT NOT NULL,
    currency TEXT NOT NULL,
    deals BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    rotting BIGINT NOT NULL,
    PRIMARY KEY (owner, stage, state, currency)
) WITHOUT ROWID;

INSERT INTO deal_assessment_totals (owner, stage, state, currency, deals, amount_cents, rotting)
SELECT owner, stage, state, currency, COUNT(*), SUM(amount_cents), SUM(rotting)
FROM deal_assessments GROUP BY owner, stage, state, currency;

CREATE TRIGGER deal_assessment_totals_insert AFTER INSERT ON deal_assessments
BEGIN
    INSERT INTO deal_assessment_totals (owner, stage, state, currency, deals, amount_cents, rotting)
    VALUES (new.owner, new.stage, new.state, new.currency, 1, new.amount_cents, new.rotting)
    ON CONFLICT (owner, stage, state, currency) DO UPDATE SET
        deals = deals + 1,
        amount_cents = amount_cents + excluded.amount_cents,
        rotting = rotting + excluded.rotting;
END;

CREATE TRIGGER deal_assessment_totals_delete AFTER DELETE ON deal_assessments
BEGIN
    UPDATE deal_assessment_totals SET
        deals = deals - 1,
        amount_cents = amount_cents - old.amount_cents,
        rotting = rotting - old.rotting
    WHERE owner = old.owner AND stage = old.stage AND state = old.state AND currency = old.currency;
    DELETE FROM deal_assessment_totals
    WHERE owner = old.owner AND stage = old.stage AND state = old.state AND currency = old.currency
        AND deals = 0;
END;

-- A row is replaced (deleted, then inserted), never updated in what the totals count: an update
-- that would move them is refused rather than left uncounted.
CREATE TRIGGER deal_assessment_totals_update
BEFORE UPDATE OF owner, stage, state, currency, amount_cents, rotting ON deal_assessments
BEGIN
    SELECT RAISE(ABORT, 'deal_assessments rows are replaced, not updated: the board totals follow inserts and deletes');
END;
