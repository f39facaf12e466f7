-- How the weapons were obtained, per source. The unit is the record, not the
-- weapon row: some sources state it once per record and every weapon row of
-- the record carries it, so counting rows would count one statement several
-- times. A record with weapons obtained in two ways counts in both.
CREATE TABLE metric_weapons_obtained AS
WITH per_record AS (
    SELECT source, source_record_id,
           list(DISTINCT obtained) FILTER (obtained IS NOT NULL AND obtained <> 'unknown')
               AS ways
    FROM weapons
    GROUP BY ALL
),
totals AS (
    SELECT source, count(*) AS n, count(*) FILTER (len(ways) > 0) AS n_known
    FROM per_record GROUP BY ALL
    HAVING count(*) FILTER (len(ways) > 0) > 0
),
counts AS (
    SELECT source, obtained, count(*) AS count
    FROM (SELECT source, unnest(ways) AS obtained FROM per_record)
    GROUP BY ALL
)
SELECT
    t.source, c.obtained, t.n, t.n_known, c.count,
    c.count / t.n_known AS share,
    wilson_low(c.count, t.n_known) AS ci_low,
    wilson_high(c.count, t.n_known) AS ci_high
FROM totals AS t
JOIN counts AS c USING (source)
ORDER BY t.source, c.count DESC, c.obtained;

COMMENT ON TABLE metric_weapons_obtained IS 'How the attackers got their weapons (weapons.obtained), per source. The unit is the record: a record counts once in a category however many of its weapon rows say so. A record whose weapons were obtained in several ways counts in each, so the shares of a source can add up to more than 100%. Only sources that state how for at least one record. Shares are of records where at least one weapon''s origin is known (n_known, often far fewer than n); 95% Wilson intervals.';
COMMENT ON COLUMN metric_weapons_obtained.source IS 'Source slug.';
COMMENT ON COLUMN metric_weapons_obtained.obtained IS 'How the weapon(s) were obtained: legal_purchase, illegal_purchase, stolen, family_or_home, friend, employer_issued, legal_unspecified, illegal_unspecified or other (weapons.obtained).';
COMMENT ON COLUMN metric_weapons_obtained.n IS 'Records of the source with at least one weapon row.';
COMMENT ON COLUMN metric_weapons_obtained.n_known IS 'Of those, records with at least one weapon whose origin is known (not NULL, not unknown): the denominator of share.';
COMMENT ON COLUMN metric_weapons_obtained.count IS 'Records with at least one weapon obtained this way.';
COMMENT ON COLUMN metric_weapons_obtained.share IS 'count / n_known; a record can count in several categories, so shares can add up to more than 1.';
COMMENT ON COLUMN metric_weapons_obtained.ci_low IS 'Lower bound of the 95% Wilson interval of share.';
COMMENT ON COLUMN metric_weapons_obtained.ci_high IS 'Upper bound of the 95% Wilson interval of share.';
