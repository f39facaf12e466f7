-- Who the attackers were, per source: age band, sex, race as published and
-- relationship to the site. One row per attacker (a record with two shooters
-- counts twice). Every share is of the attackers whose value the source gives,
-- and n_known says how many that is: a share of 40 known out of 400 says so.
CREATE TABLE metric_attacker_profile AS
WITH base AS (
    SELECT
        source,
        CASE
            WHEN age IS NULL THEN NULL
            WHEN age < 18 THEN 'under_18'
            WHEN age < 25 THEN '18_24'
            WHEN age < 35 THEN '25_34'
            WHEN age < 45 THEN '35_44'
            WHEN age < 55 THEN '45_54'
            ELSE '55_plus'
        END AS age_band,
        nullif(sex, 'unknown') AS sex,
        nullif(race, 'unknown') AS race,
        nullif(relationship, 'unknown') AS relationship
    FROM attackers
),
long AS (
    SELECT source, 'age_band' AS attribute, age_band AS category FROM base
    UNION ALL SELECT source, 'sex', sex FROM base
    UNION ALL SELECT source, 'race', race FROM base
    UNION ALL SELECT source, 'relationship', relationship FROM base
),
totals AS (
    SELECT source, attribute, count(*) AS n, count(category) AS n_known
    FROM long GROUP BY ALL
),
counts AS (
    SELECT source, attribute, category, count(*) AS count
    FROM long WHERE category IS NOT NULL GROUP BY ALL
)
SELECT
    t.source, t.attribute, c.category, t.n, t.n_known, c.count,
    c.count / t.n_known AS share,
    wilson_low(c.count, t.n_known) AS ci_low,
    wilson_high(c.count, t.n_known) AS ci_high
FROM totals AS t
JOIN counts AS c USING (source, attribute)
ORDER BY t.source, t.attribute, c.count DESC, c.category;

COMMENT ON TABLE metric_attacker_profile IS 'Attackers per source by age band, sex, race as the source publishes it (harmonized) and relationship to the site (harmonized). The unit is the attacker, not the record: a record with two attackers counts twice. Shares are of the attackers whose value is known (n_known, often far fewer than n); 95% Wilson intervals. A source that never gives an attribute has no rows for it; a category with no attackers has no row. Descriptive: sources count different kinds of attack (see sources.definition).';
COMMENT ON COLUMN metric_attacker_profile.source IS 'Source slug.';
COMMENT ON COLUMN metric_attacker_profile.attribute IS 'age_band, sex, race or relationship.';
COMMENT ON COLUMN metric_attacker_profile.category IS 'For age_band: under_18, 18_24, 25_34, 35_44, 45_54 or 55_plus (age in years at the attack); otherwise the harmonized value of attackers.sex, attackers.race or attackers.relationship.';
COMMENT ON COLUMN metric_attacker_profile.n IS 'Attackers of the source (attacker rows), known or not.';
COMMENT ON COLUMN metric_attacker_profile.n_known IS 'Attackers whose attribute is known (not NULL, not unknown): the denominator of share.';
COMMENT ON COLUMN metric_attacker_profile.count IS 'Attackers in the category.';
COMMENT ON COLUMN metric_attacker_profile.share IS 'count / n_known.';
COMMENT ON COLUMN metric_attacker_profile.ci_low IS 'Lower bound of the 95% Wilson interval of share.';
COMMENT ON COLUMN metric_attacker_profile.ci_high IS 'Upper bound of the 95% Wilson interval of share.';
