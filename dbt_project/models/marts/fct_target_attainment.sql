-- Targets against the actual of the same year, across reports and years.
-- Grain: one row per region (name and code), year, indicator and measure with a numeric target.
--
-- * Target: the one int_targets_chosen keeps (the region's own work report of that year first).
-- * Actual: the first of int_actuals_ranked's best_order in the target's unit: a full-year
--   official figure (often from next year's work report or a year-end notice) before a
--   full-year estimate, before the latest part-year figure. NULL when the year has none.
-- * is_met: comparator max -> actual <= the target's high end, else its value; range -> actual >=
--   the low end; min, approx, exact -> actual >= value. NULL without an actual.
--   A part-year actual is compared as it is; is_full_year says whether it covers the whole year.
-- * Each side names its document, the document's kind and the year it was given.

with

targets as (

    select * from {{ ref('int_targets_chosen') }}

),

actuals as (

    select * from {{ ref('int_actuals_ranked') }}

),

numeric_targets as (

    select *
    from targets
    where not is_qualitative
      and value is not null

),

best_actuals as (

    select *
    from actuals
    where best_order = 1

),

final as (

    select
        numeric_targets.region,
        numeric_targets.region_code,
        numeric_targets.region_level,
        numeric_targets.province,
        numeric_targets.prefecture,
        numeric_targets.year,
        numeric_targets.indicator,
        numeric_targets.measure,
        numeric_targets.unit,

        numeric_targets.value as target_value,
        numeric_targets.value_high as target_value_high,
        numeric_targets.comparator,

        best_actuals.value as actual_value,
        best_actuals.period_start_month as actual_period_start_month,
        best_actuals.period_end_month as actual_period_end_month,
        best_actuals.estimate as actual_estimate,

        {{ round_double('best_actuals.value - numeric_targets.value', 6) }} as gap,
        case
            when best_actuals.value is null then null
            when numeric_targets.comparator = 'max'
                then best_actuals.value
                    <= coalesce(numeric_targets.value_high, numeric_targets.value)
            else best_actuals.value >= numeric_targets.value
        end as is_met,
        best_actuals.is_full_year,

        numeric_targets.fact_id as target_fact_id,
        numeric_targets.document_id as target_document_id,
        numeric_targets.document_kind as target_document_kind,
        numeric_targets.document_year as target_document_year,
        numeric_targets.evidence as target_evidence,
        best_actuals.fact_id as actual_fact_id,
        best_actuals.document_id as actual_document_id,
        best_actuals.document_kind as actual_document_kind,
        best_actuals.document_year as actual_document_year,
        best_actuals.evidence as actual_evidence

    from numeric_targets
    left join best_actuals
        on numeric_targets.region is not distinct from best_actuals.region
        and numeric_targets.region_code is not distinct from best_actuals.region_code
        and numeric_targets.year = best_actuals.year
        and numeric_targets.indicator = best_actuals.indicator
        and numeric_targets.measure = best_actuals.measure
        and numeric_targets.unit is not distinct from best_actuals.unit

)

select * from final
