-- A plain DuckDB SQL version of s75xl's CLD derivations, the peer in bench/bench_cld.py.
-- Straightforward SQL over the same CSV: the coded values are mapped through a lookup table
-- (code_map, built from the file's distinct values), then one query per measure over a table
-- of periods. Same rules as s75xl/cld (DHSC 2024-25 method), written independently of the
-- pandas code, so agreement between the two is a check on both.
-- Placeholders: {csv} is the CLD file. Tables registered from Python: code_map(field, raw, r2),
-- outcome_rank(outcome, rank), settled_status(status), numerator_2a(outcome), periods(label, ps, pe).

CREATE OR REPLACE TABLE raw AS
SELECT *, row_number() OVER () AS row_order FROM read_csv({csv}, all_varchar = true, header = true);

CREATE OR REPLACE MACRO d(x) AS coalesce(try_strptime(x, '%Y-%m-%d'), try_strptime(x, '%d/%m/%Y'))::DATE;

CREATE OR REPLACE TABLE ev0 AS
SELECT
    coalesce(CASE WHEN regexp_full_match(replace(r."NHS Number", ' ', ''), '\d{10}') THEN replace(r."NHS Number", ' ', '') END,
             'LA' || coalesce(r."LA Code", '') || '_' || nullif(trim(r."LA Person Unique Identifier"), '')) AS pid,
    r."LA Code" AS la_code, d(r."Date of Birth") AS dob, d(r."Date of Death") AS dod,
    d(r."Event Start Date") AS s, d(r."Event End Date") AS e, d(r."Reporting Period End Date") AS rpe,
    m0.r2 AS client_type,
    m1.r2 AS event_type,
    m2.r2 AS service_type,
    m3.r2 AS component,
    m4.r2 AS mechanism,
    m5.r2 AS outcome,
    m6.r2 AS psr,
    m7.r2 AS accom,
    m8.r2 AS employment,
    m9.r2 AS funding,
    m10.r2 AS review_reason,
    r."Request: Route of Access" AS route, r.row_order
FROM raw r
LEFT JOIN code_map m0 ON m0.field = 'client_type' AND m0.raw = r."Client Type"
LEFT JOIN code_map m1 ON m1.field = 'event_type' AND m1.raw = r."Event Type"
LEFT JOIN code_map m2 ON m2.field = 'service_type' AND m2.raw = r."Service Type"
LEFT JOIN code_map m3 ON m3.field = 'service_component' AND m3.raw = r."Service Component"
LEFT JOIN code_map m4 ON m4.field = 'delivery_mechanism' AND m4.raw = r."Delivery Mechanism"
LEFT JOIN code_map m5 ON m5.field = 'event_outcome' AND m5.raw = r."Event Outcome"
LEFT JOIN code_map m6 ON m6.field = 'primary_support_reason' AND m6.raw = r."Primary Support Reason"
LEFT JOIN code_map m7 ON m7.field = 'accommodation_status' AND m7.raw = r."Accommodation Status"
LEFT JOIN code_map m8 ON m8.field = 'employment_status' AND m8.raw = r."Employment Status"
LEFT JOIN code_map m9 ON m9.field = 'client_funding_status' AND m9.raw = r."Client Funding Status"
LEFT JOIN code_map m10 ON m10.field = 'review_reason' AND m10.raw = r."Review Reason";

-- latest version of each event (DHSC unique-event keys), then date-of-death handling
CREATE OR REPLACE TABLE ev AS
WITH kept AS (
    SELECT * FROM ev0
    WHERE pid IS NOT NULL AND event_type IS NOT NULL AND s IS NOT NULL AND (e IS NULL OR e >= s)
      AND (event_type = 'Service' OR e IS NOT NULL)
), latest AS (
    SELECT * FROM kept
    QUALIFY row_number() OVER (
        PARTITION BY la_code, pid, s, coalesce(client_type, 'Service user'), event_type,
                     CASE WHEN event_type <> 'Service' THEN e END, CASE WHEN event_type = 'Request' THEN route END,
                     CASE WHEN event_type = 'Service' THEN service_type END, CASE WHEN event_type = 'Service' THEN component END
        ORDER BY rpe DESC NULLS LAST, (e IS NULL) ASC, e DESC, row_order DESC) = 1
), deaths AS (SELECT pid, max(dod) AS dod FROM latest GROUP BY pid)
SELECT l.* REPLACE (coalesce(l.client_type, 'Service user') AS client_type, x.dod AS dod,
                    CASE WHEN x.dod IS NOT NULL AND (l.e IS NULL OR l.e > x.dod) THEN x.dod ELSE l.e END AS e),
       coalesce(CASE WHEN x.dod IS NOT NULL AND (l.e IS NULL OR l.e > x.dod) THEN x.dod ELSE l.e END, DATE '2262-04-01') AS ef
FROM latest l JOIN deaths x USING (pid)
WHERE x.dod IS NULL OR l.s <= x.dod;

CREATE OR REPLACE MACRO age(born, on_day) AS
    (year(on_day) - year(born) - CASE WHEN month(on_day) < month(born) OR (month(on_day) = month(born) AND day(on_day) < day(born)) THEN 1 ELSE 0 END);
CREATE OR REPLACE MACRO band(a) AS CASE WHEN a < 18 THEN 'Under 18' WHEN a <= 64 THEN '18-64' WHEN a >= 65 THEN '65+' END;

CREATE OR REPLACE TABLE users AS SELECT * FROM ev WHERE client_type = 'Service user' AND event_type = 'Service';
CREATE OR REPLACE TABLE lts AS SELECT * FROM users
    WHERE service_type IN ('Long term support: Nursing care', 'Long term support: Residential care',
                           'Long term support: Community', 'Long term support: Prison');

-- each person's latest known attributes: known first, then latest reporting period, end, start
CREATE OR REPLACE TABLE person AS
SELECT pid, any_value(dob) AS dob, max(dod) AS dod,
       coalesce(arg_max(psr, (rpe, ef, s)) FILTER (WHERE psr IS NOT NULL AND psr <> 'Unknown'), 'Unknown') AS psr,
       coalesce(arg_max(accom, (rpe, ef, s)) FILTER (WHERE accom IS NOT NULL AND accom <> 'Unknown'), 'Unknown') AS accom,
       coalesce(arg_max(employment, (s, rpe)) FILTER (WHERE employment IS NOT NULL AND employment <> 'Unknown'), 'Unknown') AS employment
FROM ev GROUP BY pid;

-- 2A episodes: gaps-and-islands over ST-Max services joined within 7 days
CREATE OR REPLACE TABLE st AS
SELECT *, sum(CASE WHEN prev_end IS NULL OR datediff('day', prev_end, s) > 7 THEN 1 ELSE 0 END)
          OVER (PARTITION BY pid ORDER BY s, ef ROWS UNBOUNDED PRECEDING) AS k
FROM (SELECT *, max(ef) OVER (PARTITION BY pid ORDER BY s, ef ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
      FROM users WHERE service_type = 'Short term support: ST-Max');
CREATE OR REPLACE TABLE episode AS
SELECT pid, k, min(s) AS cs, max(ef) AS ce, any_value(dob) AS dob, any_value(dod) AS dod,
       arg_max(outcome, (ef, -coalesce(r.rank + CASE WHEN outcome LIKE 'Progress%' OR outcome LIKE 'Continuation%' THEN 100 ELSE 0 END, 999))) AS outcome
FROM st LEFT JOIN outcome_rank r USING (outcome) GROUP BY pid, k;
CREATE OR REPLACE TABLE sequel AS
WITH svc AS (
    -- by type (nursing 1 ... other short term 7, anything else 99), then a short-term residential/nursing component
    SELECT x.pid, x.k, arg_min(CASE WHEN service_type = 'Short term support: Other short term'
                                         AND component IN ('Short term residential care', 'Short term nursing care') THEN 5
                                    ELSE CASE service_type WHEN 'Long term support: Nursing care' THEN 1 WHEN 'Long term support: Residential care' THEN 2
                                         WHEN 'Long term support: Community' THEN 3 WHEN 'Long term support: Prison' THEN 4
                                         WHEN 'Short term support: Ongoing low level' THEN 7 WHEN 'Short term support: Other short term' THEN 8
                                         ELSE 99 END END,
                               (CASE service_type WHEN 'Long term support: Nursing care' THEN 1 WHEN 'Long term support: Residential care' THEN 2
                                    WHEN 'Long term support: Community' THEN 3 WHEN 'Long term support: Prison' THEN 4
                                    WHEN 'Short term support: Ongoing low level' THEN 6 WHEN 'Short term support: Other short term' THEN 7 ELSE 99 END,
                                coalesce(component IN ('Short term residential care', 'Short term nursing care'), false) = false)) AS best
    FROM episode x JOIN users u ON u.pid = x.pid
         AND u.service_type IN ('Long term support: Nursing care', 'Long term support: Residential care', 'Long term support: Community',
                                'Long term support: Prison', 'Short term support: Ongoing low level', 'Short term support: Other short term')
         AND u.s >= x.cs AND u.ef > x.ce AND u.s <= x.ce + 7  -- began with or after the episode, still going after it
    GROUP BY x.pid, x.k
), win AS (
    -- every other event of the person in the sequel window, with its outcome's rank (progress/continuation +100)
    SELECT x.pid, x.k, o.event_type, o.outcome,
           r.rank + CASE WHEN o.outcome LIKE 'Progress%' OR o.outcome LIKE 'Continuation%' THEN 100 ELSE 0 END AS rk
    FROM episode x JOIN ev o ON o.pid = x.pid AND o.client_type = 'Service user'
         AND NOT (o.event_type = 'Service' AND o.service_type = 'Short term support: ST-Max')
         AND o.s >= x.cs AND o.ef > x.ce AND o.s <= x.ce + 7
    LEFT JOIN outcome_rank r ON r.outcome = o.outcome
), own AS (
    SELECT x.pid, x.k, r.rank + CASE WHEN x.outcome LIKE 'Progress%' OR x.outcome LIKE 'Continuation%' THEN 100 ELSE 0 END AS rk
    FROM episode x LEFT JOIN outcome_rank r ON r.outcome = x.outcome
), later AS (
    -- non-service events in the window, not "support ended as planned", where they or the episode say something usable
    SELECT w.pid, w.k, min(w.rk) FILTER (WHERE w.rk < 100) AS rk
    FROM win w JOIN own USING (pid, k)
    WHERE w.event_type <> 'Service' AND coalesce(w.outcome, '') <> 'NFA: Support ended as planned' AND (w.rk < 100 OR own.rk < 100)
    GROUP BY w.pid, w.k
), inside AS (
    -- the latest-ending assessment or review nested in the episode's last 14 days, with a usable outcome
    SELECT x.pid, x.k, arg_max(rk, (o.ef, -rk)) AS rk
    FROM episode x JOIN (SELECT o.*, r.rank + CASE WHEN o.outcome LIKE 'Progress%' OR o.outcome LIKE 'Continuation%' THEN 100 ELSE 0 END AS rk
                         FROM ev o JOIN outcome_rank r ON r.outcome = o.outcome
                         WHERE o.client_type = 'Service user' AND o.event_type IN ('Assessment', 'Review')) o
         ON o.pid = x.pid AND o.s >= x.cs AND o.ef > x.cs AND o.ef <= x.ce AND datediff('day', o.ef, x.ce) < 14 AND o.rk < 100
    GROUP BY x.pid, x.k
), outs AS (
    SELECT x.pid, x.k, r.outcome FROM episode x JOIN own USING (pid, k) LEFT JOIN later l USING (pid, k) LEFT JOIN inside i USING (pid, k)
    JOIN outcome_rank r ON r.rank = least(l.rk, i.rk,
        CASE WHEN own.rk < 100 AND (l.pid IS NOT NULL OR NOT EXISTS (SELECT 1 FROM win w WHERE w.pid = x.pid AND w.k = x.k)) THEN own.rk END)
), kit AS (
    SELECT DISTINCT x.pid, x.k FROM episode x JOIN users u ON u.pid = x.pid AND u.component = 'Equipment'
         AND u.s >= x.cs AND u.ef > x.cs AND u.ef <= x.ce
)
SELECT x.*, CASE
    WHEN x.dod IS NOT NULL AND x.dod <= x.ce + 7 THEN 'Deceased'
    WHEN x.outcome = 'Admitted to hospital' THEN 'Admitted to hospital'
    WHEN svc.best IN (1, 2, 3, 4, 5) THEN 'LTS or ST residential'
    WHEN svc.best IN (7, 8) THEN 'ST community'
    WHEN svc.best IS NOT NULL THEN 'Other service'
    WHEN outs.outcome IS NOT NULL THEN outs.outcome
    WHEN kit.pid IS NOT NULL THEN 'ST community'
    ELSE 'Unable to classify' END AS sequel,
    NOT EXISTS (SELECT 1 FROM lts l WHERE l.pid = x.pid AND l.s < x.cs AND l.ef > x.cs - 91) AS new_client
FROM episode x LEFT JOIN svc USING (pid, k) LEFT JOIN outs USING (pid, k) LEFT JOIN kit USING (pid, k);

-- 2E: an Unknown status is inferred from the person's latest service of any type in the period:
-- latest end (open first), then type hierarchy, then a mappable component, then latest start;
-- services tied on all four pool their type and mappable component, kept only when single
CREATE OR REPLACE TABLE inferred AS
SELECT period, pid,
       CASE WHEN one_type IN ('Long term support: Nursing care', 'Long term support: Residential care') THEN false
            WHEN one_component IN ('Shared Lives', 'Extra care housing', 'Community supported living') THEN true
            WHEN one_type = 'Long term support: Community' AND one_component = 'Home support or domiciliary care' THEN true
            ELSE false END AS settled
FROM (
    SELECT period, pid,
           CASE WHEN count(DISTINCT kind) = 1 THEN min(kind) END AS one_type,
           CASE WHEN count(DISTINCT mapped) = 1 THEN min(mapped) END AS one_component
    FROM (
        SELECT p.label AS period, v.pid, CASE WHEN h.position IS NOT NULL THEN v.service_type END AS kind,
               CASE WHEN coalesce(v.component IN ('Shared Lives', 'Extra care housing', 'Community supported living',
                                                  'Home support or domiciliary care'), false) THEN v.component END AS mapped,
               rank() OVER (PARTITION BY p.label, v.pid
                            ORDER BY v.ef DESC, coalesce(h.position, 99),
                                     coalesce(v.component IN ('Shared Lives', 'Extra care housing', 'Community supported living',
                                                              'Home support or domiciliary care'), false) DESC,
                                     v.s DESC) AS place
        FROM periods p
        JOIN ev v ON v.event_type = 'Service' AND v.s <= p.pe AND v.ef >= p.ps
        LEFT JOIN (VALUES ('Long term support: Nursing care', 1), ('Long term support: Residential care', 2),
                          ('Long term support: Community', 3), ('Long term support: Prison', 4), ('Short term support: ST-Max', 5),
                          ('Short term support: Ongoing low level', 6), ('Short term support: Other short term', 7)) h(service_type, position)
               ON h.service_type = v.service_type
        WHERE v.pid IN (SELECT pid FROM person WHERE accom = 'Unknown'))
    WHERE place = 1 GROUP BY period, pid);

-- 3D carers: direct support in the period, each carer once at their best mechanism (1 direct
-- payment, 2 personal budget, 3 commissioned), aged 18+ or of unknown age at the period end
CREATE OR REPLACE TABLE carer_best AS
SELECT * FROM (
    SELECT p.label AS period, c.pid, band(age(any_value(x.dob), p.pe)) AS b,
           min(CASE WHEN c.mechanism = 'Direct payment' OR c.component = 'Direct payment' THEN 1
                    WHEN c.mechanism = 'CASSR managed personal budget' THEN 2
                    WHEN c.mechanism = 'CASSR commissioned support' THEN 3 END) AS best
    FROM periods p JOIN ev c ON c.s <= p.pe AND c.ef >= p.ps JOIN person x USING (pid)
    WHERE c.client_type IN ('Unpaid carer', 'Unpaid carer known by association')
      AND c.service_type = 'Unpaid carer support: Direct to unpaid carer' AND (c.dod IS NULL OR c.dod >= p.ps)
    GROUP BY p.label, p.pe, c.pid)
WHERE best IS NOT NULL AND b IS DISTINCT FROM 'Under 18';

CREATE OR REPLACE TABLE results AS
-- 2A
SELECT p.label AS period, '2A' AS measure, coalesce(band(age(dob, ce)), 'Unknown') AS breakdown,
       count(*) FILTER (WHERE sequel = 'ST community' OR sequel IN (SELECT outcome FROM numerator_2a)) AS numerator, count(*) AS denominator
FROM periods p JOIN sequel q ON q.ce BETWEEN p.ps AND p.pe
WHERE new_client AND (dod IS NULL OR dod >= cs) AND (dob IS NULL OR age(dob, ce) >= 18)
  AND (sequel IN ('LTS or ST residential', 'ST community') OR sequel IN (SELECT outcome FROM numerator_2a))
GROUP BY ALL
UNION ALL
-- 2B / 2C: one band per person, the lower of their new admissions'
SELECT period, CASE b WHEN '18-64' THEN '2B' ELSE '2C' END, b, count(*), NULL FROM (
    SELECT p.label AS period, a.pid, min(band(age(a.dob, a.s))) AS b
    FROM periods p JOIN users a ON a.s BETWEEN p.ps AND p.pe
    WHERE a.service_type IN ('Long term support: Residential care', 'Long term support: Nursing care') AND a.dob IS NOT NULL
      AND (a.component IS NULL OR ((lower(a.component) LIKE '%residential%' OR lower(a.component) LIKE '%nursing%') AND lower(a.component) NOT LIKE '%short%'))
      AND coalesce(a.outcome, '') <> 'NFA: Self-funded client or under 12wk disregard' AND (a.dod IS NULL OR a.dod >= p.ps)
      AND NOT EXISTS (SELECT 1 FROM users o WHERE o.pid = a.pid AND o.s < a.s
                        AND o.service_type IN ('Long term support: Residential care', 'Long term support: Nursing care')
                        AND (o.component IS NULL OR ((lower(o.component) LIKE '%residential%' OR lower(o.component) LIKE '%nursing%') AND lower(o.component) NOT LIKE '%short%'))
                        AND o.ef >= a.s - 365)
    GROUP BY ALL) WHERE b IN ('18-64', '65+') GROUP BY ALL
UNION ALL
-- 2E: latest long-term service in the period per person (for the age), status latest known or inferred
SELECT period, '2E(2)', b, count(*) FILTER (WHERE settled), count(*) FROM (
    SELECT p.label AS period, band(age(x.dob, least(l.ef, p.pe))) AS b,
           (x.accom IN (SELECT status FROM settled_status)) OR (x.accom = 'Unknown' AND coalesce(i.settled, false)) AS settled
    FROM periods p JOIN lts l ON l.s <= p.pe AND l.ef >= p.ps JOIN person x USING (pid)
    LEFT JOIN inferred i ON i.period = p.label AND i.pid = l.pid
    WHERE l.dod IS NULL OR l.dod >= p.ps
    QUALIFY row_number() OVER (PARTITION BY p.label, pid ORDER BY l.ef DESC, l.s DESC) = 1)
WHERE b IN ('18-64', '65+') GROUP BY ALL
UNION ALL
SELECT period, '2E(1)', '18-64', count(*) FILTER (WHERE settled), count(*) FROM (
    SELECT p.label AS period, band(age(x.dob, least(l.ef, p.pe))) AS b, x.psr,
           (x.accom IN (SELECT status FROM settled_status)) OR (x.accom = 'Unknown' AND coalesce(i.settled, false)) AS settled
    FROM periods p JOIN lts l ON l.s <= p.pe AND l.ef >= p.ps JOIN person x USING (pid)
    LEFT JOIN inferred i ON i.period = p.label AND i.pid = l.pid
    WHERE l.dod IS NULL OR l.dod >= p.ps
    QUALIFY row_number() OVER (PARTITION BY p.label, pid ORDER BY l.ef DESC, l.s DESC) = 1)
WHERE b = '18-64' AND psr = 'Learning Disability Support' GROUP BY ALL
UNION ALL
-- 3D clients: snapshot at the period end, each person at their highest setting
SELECT period, m, b, count(*) FILTER (WHERE CASE m WHEN '3D(1A)' THEN r IN (3, 4) ELSE r = 3 END), count(*) FROM (
    SELECT p.label AS period, pid, band(age(any_value(l.dob), p.pe)) AS b, min(CASE
        WHEN service_type = 'Long term support: Nursing care' THEN 1 WHEN service_type = 'Long term support: Residential care' THEN 2
        WHEN service_type = 'Long term support: Community' AND (mechanism = 'Direct payment' OR component = 'Direct payment') THEN 3
        WHEN service_type = 'Long term support: Community' AND mechanism = 'CASSR managed personal budget' THEN 4
        WHEN service_type = 'Long term support: Community' AND mechanism = 'CASSR commissioned support' THEN 5
        WHEN service_type = 'Long term support: Community' THEN 6 ELSE 9 END) AS r
    FROM periods p JOIN lts l ON l.s <= p.pe AND l.ef >= p.pe WHERE l.dod IS NULL OR l.dod >= p.pe GROUP BY p.label, p.pe, pid
) CROSS JOIN (VALUES ('3D(1A)'), ('3D(2A)')) t(m) WHERE r BETWEEN 3 AND 6 AND b IN ('18-64', '65+') GROUP BY ALL
UNION ALL
-- 3D carers (table carer_best above): by band, and in total with unknown ages
SELECT period, m, b, count(*) FILTER (WHERE CASE m WHEN '3D(1B)' THEN best <= 2 ELSE best = 1 END), count(*)
FROM carer_best CROSS JOIN (VALUES ('3D(1B)'), ('3D(2B)')) t(m) WHERE b IN ('18-64', '65+') GROUP BY ALL
UNION ALL
SELECT period, m, 'Total', count(*) FILTER (WHERE CASE m WHEN '3D(1B)' THEN best <= 2 ELSE best = 1 END), count(*)
FROM carer_best CROSS JOIN (VALUES ('3D(1B)'), ('3D(2B)')) t(m) GROUP BY ALL
UNION ALL
-- 1E: learning disability, 18-64 at the period end, paid employment
SELECT p.label, '1E', '18-64', count(DISTINCT pid) FILTER (WHERE x.employment LIKE 'Paid:%'), count(DISTINCT pid)
FROM periods p JOIN lts l ON l.s <= p.pe AND l.ef >= p.ps AND l.service_type <> 'Long term support: Prison' JOIN person x USING (pid)
WHERE (l.dod IS NULL OR l.dod >= p.ps) AND x.psr = 'Learning Disability Support' AND age(x.dob, p.pe) BETWEEN 18 AND 64 GROUP BY ALL
UNION ALL
-- placements (residential, nursing, supported living) and home support: open at start, new, ended, open at end
SELECT p.label, 'S75-' || kind || '-' || flow, 'All', count(*) FILTER (WHERE CASE flow
        WHEN 'OPEN-START' THEN s < p.ps AND ef >= p.ps WHEN 'NEW' THEN s BETWEEN p.ps AND p.pe
        WHEN 'ENDED' THEN e BETWEEN p.ps AND p.pe AND s <= p.pe ELSE s <= p.pe AND ef > p.pe END), NULL
FROM periods p CROSS JOIN (VALUES ('OPEN-START'), ('NEW'), ('ENDED'), ('OPEN-END')) f(flow)
JOIN (SELECT *, CASE WHEN service_type = 'Long term support: Residential care' THEN 'RES' WHEN service_type = 'Long term support: Nursing care' THEN 'NUR'
                     WHEN component = 'Community supported living' THEN 'SUP' WHEN component = 'Home support or domiciliary care' THEN 'DOM' END AS kind
      FROM users WHERE coalesce(funding, '') <> 'Fully client funded'
        AND (service_type IN ('Long term support: Residential care', 'Long term support: Nursing care')
             OR (service_type = 'Long term support: Community' AND component IN ('Community supported living', 'Home support or domiciliary care')))) u ON TRUE
GROUP BY ALL
UNION ALL
SELECT p.label, 'S75-TELECARE', 'All', count(DISTINCT pid) FILTER (WHERE component = 'Equipment'), count(DISTINCT pid)
FROM periods p JOIN users u ON u.s <= p.pe AND u.ef >= p.ps GROUP BY ALL
UNION ALL
-- planned reviews on time: due 12 months after the previous review, or after the first long-term start
SELECT p.label, 'S75-REVIEW-ON-TIME', 'All', count(*) FILTER (WHERE e <= due), count(*)
FROM periods p JOIN (
    SELECT v.*, coalesce(lag(e) OVER (PARTITION BY pid ORDER BY e), f.first_start) + INTERVAL 12 MONTH AS due
    FROM ev v LEFT JOIN (SELECT pid, min(s) AS first_start FROM lts GROUP BY pid) f USING (pid)
    WHERE event_type = 'Review') r ON r.e BETWEEN p.ps AND p.pe
WHERE review_reason = 'Planned' GROUP BY ALL;
