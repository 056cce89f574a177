-- fragment: definition
-- title: What each cash-flow metric means, and the identities between metrics
-- description: One row per definition: `metric` = `plus` - `minus` (an identity; empty `plus` for a line of the statements), for every company or only `entity`'s. `alternative_to` names the metric under which a figure of this one is often given (the press's "capex" that is in fact capex net of proceeds and incentives): a figure stored under `alternative_to` that this definition reproduces within its precision is explained by it (reports `conflicts` and `consistency`). `source` and `quote` cite a company's own definition.
--
-- The one place definitions live: add a row here (and rebuild amzdb) to declare a metric's
-- definition, a company's own definition or an alternative reading. Every identity is used
-- in each direction in which it determines a figure (queries/defined.sql): capex_cash =
-- capex - capex_proceeds_and_incentives also gives capex = capex_cash +
-- capex_proceeds_and_incentives, and Amazon's free cash flow identity gives capex_cash =
-- operating_cash_flow - free_cash_flow. Only these rows ever explain a figure: amzdb never
-- searches sums of other figures for one that happens to match.
definition (entity, metric, plus, minus, alternative_to, kind, name, source, quote) AS (
    VALUES
    (NULL, 'capex', NULL, NULL, NULL, 'statement line',
        'capex (gross): purchases of property and equipment', NULL, NULL),
    (NULL, 'capex_proceeds_and_incentives', NULL, NULL, NULL, 'statement line',
        'proceeds from property and equipment sales and incentives', NULL, NULL),
    (NULL, 'operating_cash_flow', NULL, NULL, NULL, 'statement line',
        'net cash provided by (used in) operating activities', NULL, NULL),
    (NULL, 'capex_cash', 'capex', 'capex_proceeds_and_incentives', 'capex', 'definition',
        'capex net of proceeds and incentives', NULL, NULL),
    ('AMZN', 'free_cash_flow', 'operating_cash_flow', 'capex_cash', NULL,
        'company definition',
        'Amazon''s free cash flow definition',
        'sec-0001018724-25-000004',
        'Free cash flow is cash flow from operations reduced by “Purchases of property and equipment, net of proceeds from sales and incentives.”'),
    (NULL, 'free_cash_flow_gross', 'operating_cash_flow', 'capex', 'free_cash_flow',
        'alternative',
        'free cash flow with gross capex',
        NULL, NULL)
)
