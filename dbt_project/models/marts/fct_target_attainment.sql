-- Targets against the latest actual of the same year.
-- Grain: one row per region, year, indicator and measure that has a numeric target.
--
-- * Target: when several numeric targets share the grain (a work report and a progress notice
--   restating it), the one from a work report wins, then the earliest published, then the first
--   in the text.
-- * Actual: the latest figure of that year in the target's unit: the largest period_end_month;
--   on ties a non-estimate before an estimate, a period starting in January before a shorter one,
--   the most recently published document, then the first in the text. NULL when there is none.
-- * is_met: comparator max -> actual <= the target's high end, else its value; range -> actual >=
--   the low end; min, approx, exact -> actual >= value. NULL without an actual.
--   A part-year actual is compared as it is; is_full_year says whether it covers the whole year.

with

targets as (

    select * from {{ ref('fct_targets') }}

),

actuals as (

    select * from {{ ref('fct_actuals') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

numeric_targets as (

    select
        targets.*,
        documents.kind as document_kind,
        documents.published_date

    from targets
    left join documents
        on targets.document_id = documents.document_id
    where not targets.is_qualitative
      and targets.value is not null

),

ranked_targets as (

    select
        *,
        row_number() over (
            partition by region, year, indicator, measure
            order by
                coalesce(document_kind = 'work_report', false) desc,
                published_date nulls last,
                document_id,
                char_start,
                fact_id
        ) as target_order

    from numeric_targets

),

chosen_targets as (

    select *
    from ranked_targets
    where target_order = 1

),

candidate_actuals as (

    select
        chosen_targets.fact_id as target_fact_id,
        actuals.fact_id,
        actuals.document_id,
        actuals.value,
        actuals.period_start_month,
        actuals.period_end_month,
        actuals.estimate,
        actuals.evidence,
        row_number() over (
            partition by chosen_targets.fact_id
            order by
                actuals.period_end_month desc,
                actuals.estimate,
                actuals.period_start_month,
                documents.published_date desc nulls last,
                actuals.document_id,
                actuals.char_start,
                actuals.fact_id
        ) as actual_order

    from chosen_targets
    inner join actuals
        on chosen_targets.region is not distinct from actuals.region
        and chosen_targets.year = actuals.year
        and chosen_targets.indicator = actuals.indicator
        and chosen_targets.measure = actuals.measure
        and chosen_targets.unit is not distinct from actuals.unit
        and actuals.value is not null
    left join documents
        on actuals.document_id = documents.document_id

),

latest_actuals as (

    select *
    from candidate_actuals
    where actual_order = 1

),

final as (

    select
        chosen_targets.region,
        chosen_targets.year,
        chosen_targets.indicator,
        chosen_targets.measure,
        chosen_targets.unit,

        chosen_targets.value as target_value,
        chosen_targets.value_high as target_value_high,
        chosen_targets.comparator,

        latest_actuals.value as actual_value,
        latest_actuals.period_start_month as actual_period_start_month,
        latest_actuals.period_end_month as actual_period_end_month,
        latest_actuals.estimate as actual_estimate,

        {{ round_double('latest_actuals.value - chosen_targets.value', 6) }} as gap,
        case
            when latest_actuals.value is null then null
            when chosen_targets.comparator = 'max'
                then latest_actuals.value
                    <= coalesce(chosen_targets.value_high, chosen_targets.value)
            else latest_actuals.value >= chosen_targets.value
        end as is_met,
        latest_actuals.period_end_month = 12 as is_full_year,

        chosen_targets.fact_id as target_fact_id,
        chosen_targets.document_id as target_document_id,
        chosen_targets.evidence as target_evidence,
        latest_actuals.fact_id as actual_fact_id,
        latest_actuals.document_id as actual_document_id,
        latest_actuals.evidence as actual_evidence

    from chosen_targets
    left join latest_actuals
        on chosen_targets.fact_id = latest_actuals.target_fact_id

)

select * from final
