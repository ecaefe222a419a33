-- Target escalation (层层加码): each region's numeric target beside its parent's and its
-- province's target for the same year, indicator, measure and unit, with the difference in
-- points (a county's 8% against its city's 7% is +1).
--
-- * Targets: int_targets_chosen, numeric, growth and rate measures only (a level target in 亿元
--   is not comparable across levels), of regions with a code.
-- * Parent: the gazetteer parent of the region (int_regions_located); for a place below the
--   gazetteer (a township) the region whose code it carries. Province: the region's province.
--   A higher level's target counts only when it is that region's own (not a sub-unit's target
--   filed under the same code).
-- * Rows: one per target that has at least one of the two to compare with. The difference is
--   target_value − the higher target's value (the low end of a range on both sides).

with

targets as (

    select * from {{ ref('int_targets_chosen') }}

),

regions as (

    select * from {{ ref('int_regions_located') }}

),

comparable_targets as (

    select targets.*
    from targets
    where not is_qualitative
      and value is not null
      and measure <> 'level'
      and region_code is not null

),

own_targets as (

    -- targets of gazetteer regions themselves, the ones a lower level is compared with
    select *
    from comparable_targets
    where region_level <> 'sub_unit'

),

targets_with_higher_levels as (

    select
        comparable_targets.*,
        case
            when comparable_targets.region_level = 'sub_unit' then regions.region
            else regions.parent_region
        end as parent_region,
        case
            when comparable_targets.region_level = 'sub_unit' then regions.region_code
            else regions.parent_code
        end as parent_code,
        regions.province_code

    from comparable_targets
    inner join regions
        on comparable_targets.region_code = regions.region_code
    -- a province has nothing above it
    where comparable_targets.region_level <> 'province'

),

final as (

    select
        lower_level.region,
        lower_level.region_code,
        lower_level.region_level,
        lower_level.province,
        lower_level.prefecture,
        lower_level.year,
        lower_level.indicator,
        lower_level.measure,
        lower_level.unit,
        lower_level.value as target_value,
        lower_level.value_high as target_value_high,
        lower_level.comparator,
        lower_level.fact_id as target_fact_id,
        lower_level.document_id as target_document_id,
        lower_level.evidence as target_evidence,

        lower_level.parent_region,
        lower_level.parent_code,
        parent_target.value as parent_target_value,
        parent_target.value_high as parent_target_value_high,
        parent_target.comparator as parent_comparator,
        {{ round_double('lower_level.value - parent_target.value', 6) }} as diff_vs_parent,
        parent_target.fact_id as parent_target_fact_id,
        parent_target.document_id as parent_document_id,
        parent_target.evidence as parent_evidence,

        lower_level.province_code,
        province_target.value as province_target_value,
        province_target.value_high as province_target_value_high,
        province_target.comparator as province_comparator,
        {{ round_double('lower_level.value - province_target.value', 6) }} as diff_vs_province,
        province_target.fact_id as province_target_fact_id,
        province_target.document_id as province_document_id,
        province_target.evidence as province_evidence

    from targets_with_higher_levels as lower_level
    left join own_targets as parent_target
        on lower_level.parent_code = parent_target.region_code
        and lower_level.year = parent_target.year
        and lower_level.indicator = parent_target.indicator
        and lower_level.measure = parent_target.measure
        and lower_level.unit is not distinct from parent_target.unit
    left join own_targets as province_target
        on lower_level.province_code = province_target.region_code
        and lower_level.year = province_target.year
        and lower_level.indicator = province_target.indicator
        and lower_level.measure = province_target.measure
        and lower_level.unit is not distinct from province_target.unit
    where parent_target.fact_id is not null
       or province_target.fact_id is not null

)

select * from final
