-- Attacks where the source says armed security (a school resource officer,
-- police officer or armed guard) was on site when the shooting began, set
-- beside how the attack ended and its casualties. Descriptive, never causal:
-- places with armed security differ from those without in size, kind and
-- much else. Only sources that state armed security for some record; the
-- NULL group (not stated) is kept so the coverage shows.
CREATE TABLE metric_armed_security AS
SELECT
    source, armed_security_present,
    count(*) AS n,
    count(*) FILTER (end_method <> 'unknown') AS n_known_end,
    count(ended_before_police) AS ended_before_police_known,
    count(*) FILTER (ended_before_police) AS ended_before_police,
    count(*) FILTER (ended_before_police) / nullif(count(ended_before_police), 0)
        AS share_ended_before_police,
    wilson_low(count(*) FILTER (ended_before_police), count(ended_before_police)) AS ci_low,
    wilson_high(count(*) FILTER (ended_before_police), count(ended_before_police)) AS ci_high,
    count(killed + injured) AS n_casualties_known,
    median(killed) FILTER (injured IS NOT NULL) AS median_killed,
    median(injured) FILTER (killed IS NOT NULL) AS median_injured,
    avg(killed) FILTER (injured IS NOT NULL) AS mean_killed,
    avg(injured) FILTER (killed IS NOT NULL) AS mean_injured
FROM source_records
WHERE source IN (SELECT source FROM source_records GROUP BY 1
                 HAVING count(armed_security_present) > 0)
GROUP BY ALL
ORDER BY source, armed_security_present DESC NULLS LAST;

COMMENT ON TABLE metric_armed_security IS 'Attacks with and without armed security on site (source_records.armed_security_present: a school resource officer, police officer or armed guard present when the shooting began), per source, with whether the attack was over before police arrived and its casualties. Descriptive, not causal: places with armed security differ from those without in many ways (size, kind of place, neighbourhood), so a difference here is not an effect of the security. Only sources that state armed security for some record; armed_security_present NULL is the group where the source does not state it (WaPo never states absence: its 0 means not present or unknown, so its FALSE group is empty and the NULL group mixes both). 95% Wilson intervals.';
COMMENT ON COLUMN metric_armed_security.source IS 'Source slug.';
COMMENT ON COLUMN metric_armed_security.armed_security_present IS 'TRUE: the source states armed security was present; FALSE: it states none was; NULL: not stated.';
COMMENT ON COLUMN metric_armed_security.n IS 'Records in the group.';
COMMENT ON COLUMN metric_armed_security.n_known_end IS 'Records in the group where the source tells how the attack ended (end_method not unknown); see metric_armed_security_end.';
COMMENT ON COLUMN metric_armed_security.ended_before_police_known IS 'Records in the group where the source tells whether the attack was over before police arrived: the denominator of share_ended_before_police.';
COMMENT ON COLUMN metric_armed_security.ended_before_police IS 'Records in the group over before police arrived.';
COMMENT ON COLUMN metric_armed_security.share_ended_before_police IS 'ended_before_police / ended_before_police_known; NULL when the source never tells.';
COMMENT ON COLUMN metric_armed_security.ci_low IS 'Lower bound of the 95% Wilson interval of share_ended_before_police.';
COMMENT ON COLUMN metric_armed_security.ci_high IS 'Upper bound of the 95% Wilson interval of share_ended_before_police.';
COMMENT ON COLUMN metric_armed_security.n_casualties_known IS 'Records in the group with both killed and injured known: the base of the medians and means.';
COMMENT ON COLUMN metric_armed_security.median_killed IS 'Median victims killed over the n_casualties_known records.';
COMMENT ON COLUMN metric_armed_security.median_injured IS 'Median victims injured over the n_casualties_known records.';
COMMENT ON COLUMN metric_armed_security.mean_killed IS 'Mean victims killed over the n_casualties_known records.';
COMMENT ON COLUMN metric_armed_security.mean_injured IS 'Mean victims injured over the n_casualties_known records.';

-- How attacks ended, with and without armed security on site.
CREATE TABLE metric_armed_security_end AS
WITH base AS (
    SELECT source, armed_security_present, nullif(end_method, 'unknown') AS end_method
    FROM source_records
    WHERE source IN (SELECT source FROM metric_armed_security)
),
totals AS (
    SELECT source, armed_security_present, count(*) AS n, count(end_method) AS n_known
    FROM base GROUP BY ALL
),
counts AS (
    SELECT source, armed_security_present, end_method, count(*) AS count
    FROM base WHERE end_method IS NOT NULL GROUP BY ALL
)
SELECT
    t.source, t.armed_security_present, c.end_method, t.n, t.n_known, c.count,
    c.count / t.n_known AS share,
    wilson_low(c.count, t.n_known) AS ci_low,
    wilson_high(c.count, t.n_known) AS ci_high
FROM totals AS t
JOIN counts AS c
    ON c.source = t.source
    AND c.armed_security_present IS NOT DISTINCT FROM t.armed_security_present
ORDER BY t.source, t.armed_security_present DESC NULLS LAST, c.count DESC, c.end_method;

COMMENT ON TABLE metric_armed_security_end IS 'How attacks ended (source_records.end_method) with and without armed security on site (armed_security_present TRUE, FALSE, or NULL = not stated), per source that states armed security for some record. Descriptive, not causal: places with armed security differ in many ways. Shares are of the records in the group where the source tells how the attack ended (n_known, often far fewer than n); 95% Wilson intervals. A group where no ending is known has no rows (its size is in metric_armed_security).';
COMMENT ON COLUMN metric_armed_security_end.source IS 'Source slug.';
COMMENT ON COLUMN metric_armed_security_end.armed_security_present IS 'TRUE: the source states armed security was present; FALSE: it states none was; NULL: not stated.';
COMMENT ON COLUMN metric_armed_security_end.end_method IS 'How the attack ended (source_records.end_method, unknown left out).';
COMMENT ON COLUMN metric_armed_security_end.n IS 'Records in the group.';
COMMENT ON COLUMN metric_armed_security_end.n_known IS 'Records in the group where end_method is known: the denominator of share.';
COMMENT ON COLUMN metric_armed_security_end.count IS 'Records in the group that ended this way.';
COMMENT ON COLUMN metric_armed_security_end.share IS 'count / n_known.';
COMMENT ON COLUMN metric_armed_security_end.ci_low IS 'Lower bound of the 95% Wilson interval of share.';
COMMENT ON COLUMN metric_armed_security_end.ci_high IS 'Upper bound of the 95% Wilson interval of share.';
