-- Over before police arrived, by whether the source states armed security was
-- present (metric_armed_security): share of the records that tell whether police
-- arrived before the end (n_known of n). Descriptive only.
SELECT source,
       coalesce(CAST(armed_security_present AS VARCHAR), 'not_stated') AS group_key,
       n, ended_before_police_known AS n_known, ended_before_police AS count,
       round(share_ended_before_police, 4) AS share,
       round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_armed_security
ORDER BY source, armed_security_present DESC NULLS LAST
