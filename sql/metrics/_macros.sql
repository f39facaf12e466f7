-- Helpers shared by the metric queries.
-- 95% Wilson score interval for k successes out of n (NULL when n = 0).
-- Clamped to [0, 1] so rounding never shows -0.0 or 1.0000001.
CREATE OR REPLACE TEMP MACRO wilson_low(k, n) AS CASE WHEN n > 0 THEN greatest(0.0,
    ((k / n + 1.959964 ^ 2 / (2 * n))
     - 1.959964 * sqrt((k / n) * (1 - k / n) / n + 1.959964 ^ 2 / (4 * n::DOUBLE * n)))
    / (1 + 1.959964 ^ 2 / n)) END;
CREATE OR REPLACE TEMP MACRO wilson_high(k, n) AS CASE WHEN n > 0 THEN least(1.0,
    ((k / n + 1.959964 ^ 2 / (2 * n))
     + 1.959964 * sqrt((k / n) * (1 - k / n) / n + 1.959964 ^ 2 / (4 * n::DOUBLE * n)))
    / (1 + 1.959964 ^ 2 / n)) END;
-- Five-year period of a date, e.g. 2015-2019.
CREATE OR REPLACE TEMP MACRO five_year_period(d) AS
    CAST(year(d) // 5 * 5 AS VARCHAR) || '-' || CAST(year(d) // 5 * 5 + 4 AS VARCHAR);
