-- Signs before the attack, per source: a history or signs of mental illness,
-- a prior criminal history, a planned attack, military experience. One row per
-- attacker. Only the (source, sign) pairs the source publishes at all: a source
-- silent on a sign would otherwise show a false 0%.
CREATE TABLE metric_warning_signs AS
WITH long AS (
    SELECT source, 'mental_illness' AS sign, mental_illness AS value FROM attackers
    UNION ALL SELECT source, 'criminal_history', criminal_history FROM attackers
    UNION ALL SELECT source, 'planned', planned FROM attackers
    UNION ALL SELECT source, 'military_experience', military_experience FROM attackers
)
SELECT
    source, sign,
    count(*) AS n,
    count(value) AS n_known,
    count(*) FILTER (value) AS count,
    count(*) FILTER (value) / count(value) AS share,
    wilson_low(count(*) FILTER (value), count(value)) AS ci_low,
    wilson_high(count(*) FILTER (value), count(value)) AS ci_high
FROM long
GROUP BY ALL
HAVING count(value) > 0
ORDER BY source, sign;

COMMENT ON TABLE metric_warning_signs IS 'Signs before the attack per source: prior signs or history of mental illness (attackers.mental_illness), prior criminal history (criminal_history), a planned attack (planned; the K-12 SSDB states it per incident, so every shooter of an incident carries it) and military experience (military_experience). The unit is the attacker. Only signs the source publishes (n_known > 0). Shares are of attackers where the source states yes or no (n_known, often far fewer than n); 95% Wilson intervals. Descriptive: a sign is common or rare among attackers, which says nothing of how many people with the sign never attack.';
COMMENT ON COLUMN metric_warning_signs.source IS 'Source slug.';
COMMENT ON COLUMN metric_warning_signs.sign IS 'mental_illness, criminal_history, planned or military_experience (the attackers column of that name).';
COMMENT ON COLUMN metric_warning_signs.n IS 'Attackers of the source (attacker rows), known or not.';
COMMENT ON COLUMN metric_warning_signs.n_known IS 'Attackers for whom the source states the sign (TRUE or FALSE): the denominator of share.';
COMMENT ON COLUMN metric_warning_signs.count IS 'Attackers with the sign (TRUE).';
COMMENT ON COLUMN metric_warning_signs.share IS 'count / n_known.';
COMMENT ON COLUMN metric_warning_signs.ci_low IS 'Lower bound of the 95% Wilson interval of share.';
COMMENT ON COLUMN metric_warning_signs.ci_high IS 'Upper bound of the 95% Wilson interval of share.';
