-- The research panel: one row per region, year, indicator and measure that the reports give a
-- target, an actual or a ranking for, with the region's code, province and prefecture, and
-- the document and evidence behind every number (`gwr export` writes it out as it is).
--
-- * target_*: the target int_targets_chosen keeps (numeric or qualitative).
-- * fy_*: the full-year actual (1-12), official before estimate (int_actuals_ranked.best_order).
-- * py_*: the latest part-year actual (int_actuals_ranked.part_year_order), with its months.
-- * rank_*: the ranking of the latest period; among those, one whose field resolves to a region
--   first, then the first in the text.
-- * unit: the target's unit, else the best actual's; actuals in another unit stay in
--   fct_actuals. Rows without a region are left out (they stay in the fct_ marts).
-- Column names fit Stata (at most 32 characters).

with

targets as (

    select * from {{ ref('int_targets_chosen') }}

),

actuals as (

    select * from {{ ref('int_actuals_ranked') }}

),

rankings as (

    select * from {{ ref('fct_rankings') }}

),

regions as (

    select * from {{ ref('int_regions_located') }}

),

-- the grain: every region, year, indicator and measure some fact speaks of
keys as (

    select region, region_code, region_level, province, prefecture, year, indicator, measure
    from targets
    union
    select region, region_code, region_level, province, prefecture, year, indicator, measure
    from actuals
    union
    select region, region_code, region_level, province, prefecture, year, indicator, measure
    from rankings

),

units_ranked as (

    select
        keys.*,
        coalesce(targets.unit, first_actual.unit) as unit,
        row_number() over (
            partition by keys.region, keys.region_code, keys.year, keys.indicator, keys.measure
            order by first_actual.best_order nulls last, first_actual.unit
        ) as unit_order

    from keys
    left join targets
        on keys.region = targets.region
        and keys.region_code is not distinct from targets.region_code
        and keys.year = targets.year
        and keys.indicator = targets.indicator
        and keys.measure = targets.measure
    left join actuals as first_actual
        on keys.region = first_actual.region
        and keys.region_code is not distinct from first_actual.region_code
        and keys.year = first_actual.year
        and keys.indicator = first_actual.indicator
        and keys.measure = first_actual.measure
    where keys.region is not null

),

-- (row_number in a CTE, not QUALIFY: the same SQL runs on DuckDB and PostgreSQL)
units as (

    select region, region_code, region_level, province, prefecture, year, indicator, measure, unit
    from units_ranked
    where unit_order = 1

),

full_year as (

    select * from actuals where best_order = 1 and is_full_year

),

part_year as (

    select * from actuals where part_year_order = 1

),

rankings_ordered as (

    select
        *,
        row_number() over (
            partition by region, region_code, year, indicator, measure
            order by
                period_end_month desc,
                period_start_month,
                rank_scope_region is null,
                document_id,
                char_start,
                fact_id
        ) as rank_order

    from rankings

),

chosen_rankings as (

    select *
    from rankings_ordered
    where rank_order = 1

),

final as (

    select
        units.region,
        units.region_code,
        units.region_level,
        units.province,
        regions.province_code,
        units.prefecture,
        regions.prefecture_code,
        units.year,
        units.indicator,
        units.measure,
        units.unit,

        targets.value as target_value,
        targets.value_high as target_value_high,
        targets.comparator as target_comparator,
        targets.target_text,
        targets.fact_id as target_fact_id,
        targets.document_id as target_document_id,
        targets.evidence as target_evidence,
        targets.char_start as target_char_start,
        targets.char_end as target_char_end,

        full_year.value as fy_actual,
        full_year.estimate as fy_estimate,
        full_year.fact_id as fy_fact_id,
        full_year.document_id as fy_document_id,
        full_year.evidence as fy_evidence,
        full_year.char_start as fy_char_start,
        full_year.char_end as fy_char_end,

        part_year.value as py_actual,
        part_year.period_start_month as py_start_month,
        part_year.period_end_month as py_end_month,
        part_year.estimate as py_estimate,
        part_year.fact_id as py_fact_id,
        part_year.document_id as py_document_id,
        part_year.evidence as py_evidence,
        part_year.char_start as py_char_start,
        part_year.char_end as py_char_end,

        chosen_rankings.rank,
        chosen_rankings.rank_direction,
        chosen_rankings.rank_scope,
        chosen_rankings.rank_scope_region,
        chosen_rankings.period_start_month as rank_start_month,
        chosen_rankings.period_end_month as rank_end_month,
        chosen_rankings.fact_id as rank_fact_id,
        chosen_rankings.document_id as rank_document_id,
        chosen_rankings.evidence as rank_evidence,
        chosen_rankings.char_start as rank_char_start,
        chosen_rankings.char_end as rank_char_end

    from units
    left join regions
        on units.region_code = regions.region_code
    left join targets
        on units.region = targets.region
        and units.region_code is not distinct from targets.region_code
        and units.year = targets.year
        and units.indicator = targets.indicator
        and units.measure = targets.measure
    left join full_year
        on units.region = full_year.region
        and units.region_code is not distinct from full_year.region_code
        and units.year = full_year.year
        and units.indicator = full_year.indicator
        and units.measure = full_year.measure
        and units.unit is not distinct from full_year.unit
    left join part_year
        on units.region = part_year.region
        and units.region_code is not distinct from part_year.region_code
        and units.year = part_year.year
        and units.indicator = part_year.indicator
        and units.measure = part_year.measure
        and units.unit is not distinct from part_year.unit
    left join chosen_rankings
        on units.region = chosen_rankings.region
        and units.region_code is not distinct from chosen_rankings.region_code
        and units.year = chosen_rankings.year
        and units.indicator = chosen_rankings.indicator
        and units.measure = chosen_rankings.measure

)

select * from final
